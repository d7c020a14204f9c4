package hardline.rules.dockerfile_style_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.dockerfile_style as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

lw(rule_name, line, msg) := {"rule": rule_name, "description": "d", "url": "https://docs.docker.com/go/dockerfile/rule/x/", "message": msg, "stage": 0, "location": fx.loc(line)}

doc(lint) := object.union(fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [0], true)], []), {"lint": lint})

test_style_rules if {
	fs := findings(doc([
		lw("LegacyKeyValueFormat", 2, "\"ENV key=value\" should be used instead of legacy \"ENV key value\" format"),
		lw("FromAsCasing", 1, "'as' and 'FROM' keywords' casing do not match"),
	]))
	count(fs) == 2
	some f in fs
	contains(f.msg, "BuildKit LegacyKeyValueFormat")
}

test_unknown_future_rule_reported if {
	some f in findings(doc([lw("SomeNewCheck", 3, "new.")]))
	contains(f.msg, "new (BuildKit SomeNewCheck")
}

test_covered_rules_not_repeated if {
	count(findings(doc([
		lw("JSONArgsRecommended", 2, "m"),
		lw("SecretsUsedInArgOrEnv", 3, "m"),
		lw("UndefinedVar", 4, "m"),
		lw("MultipleInstructionsDisallowed", 5, "m"),
	]))) == 0
}
