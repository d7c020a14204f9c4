package hardline.rules.undefined_variable_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.undefined_variable as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

lw(rule_name, stage, line, msg, unknown) := {
	"rule": rule_name,
	"description": "d",
	"url": "u",
	"message": msg,
	"stage": stage,
	"location": fx.loc(line),
	"base_env_unknown": unknown,
}

doc(lint) := object.union(fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [0], true)], []), {"lint": lint})

test_scratch_stage_reported if {
	fs := findings(doc([lw("UndefinedVar", 0, 3, "Usage of undefined variable '$FOO'", false)]))
	count(fs) == 1
	some f in fs
	contains(f.msg, "'$FOO'")
}

test_image_stage_without_suggestion_not_reported if {
	count(findings(doc([lw("UndefinedVar", 0, 3, "Usage of undefined variable '$JAVA_HOME'", true)]))) == 0
}

test_image_stage_typo_reported if {
	fs := findings(doc([lw("UndefinedVar", 0, 3, "Usage of undefined variable '$APP_VERSON' (did you mean $APP_VERSION?)", true)]))
	some f in fs
	contains(f.msg, "did you mean $APP_VERSION?")
}

test_missing_flag_means_known_env if {
	w := object.remove(lw("UndefinedVar", 0, 3, "Usage of undefined variable '$X'", false), ["base_env_unknown"])
	count(findings(doc([w]))) == 1
}

test_from_arg if {
	fs := findings(doc([lw("UndefinedArgInFrom", 0, 1, "FROM argument 'VERSION' is not declared", false)]))
	some f in fs
	contains(f.msg, "before the first FROM")
}

test_two_variables_two_findings if {
	fs := findings(doc([
		lw("UndefinedVar", 0, 3, "Usage of undefined variable '$A'", false),
		lw("UndefinedVar", 0, 3, "Usage of undefined variable '$B'", false),
	]))
	count(fs) == 2
}
