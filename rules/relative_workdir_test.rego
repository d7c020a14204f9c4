package hardline.rules.relative_workdir_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.relative_workdir as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

lw(stage, line, path) := {
	"rule": "WorkdirRelativePath",
	"description": "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes",
	"url": "https://docs.docker.com/go/dockerfile/rule/workdir-relative-path/",
	"message": sprintf("Relative workdir %q can have unexpected results if the base image changes", [path]),
	"stage": stage,
	"location": fx.loc(line),
}

st(i, in_final) := fx.stage(i, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [i], in_final)

doc(stages, lint) := object.union(fx.doc(stages, []), {"lint": lint})

test_relative_workdir if {
	fs := findings(doc([st(0, true)], [lw(0, 2, "app")]))
	count(fs) == 1
	some f in fs
	contains(f.msg, `WORKDIR "app" is relative`)
	f.location.start_line == 2
}

test_builder_stage_reported_too if {
	fs := findings(doc([st(0, false), st(1, true)], [lw(0, 2, "src")]))
	some f in fs
	f.stage == 0
}

test_no_warning_no_finding if {
	count(findings(doc([st(0, true)], []))) == 0
}

test_unexpected_message_still_reported if {
	w := object.union(lw(0, 2, "x"), {"message": "something else"})
	some f in findings(doc([st(0, true)], [w]))
	contains(f.msg, "the WORKDIR is relative")
}
