package hardline.rules.multiple_cmd_entrypoint_healthcheck_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.multiple_cmd_entrypoint_healthcheck as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

lw(stage, line, kw) := {
	"rule": "MultipleInstructionsDisallowed",
	"description": "Multiple instructions of the same type should not be used in the same stage",
	"url": "https://docs.docker.com/go/dockerfile/rule/multiple-instructions-disallowed/",
	"message": sprintf("Multiple %s instructions should not be used in the same stage because only the last one will be used", [kw]),
	"stage": stage,
	"location": fx.loc(line),
}

st(i, chain, in_final) := fx.stage(i, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), chain, in_final)

doc(stages, lint) := object.union(fx.doc(stages, []), {"lint": lint})

test_final_stage_duplicate_cmd if {
	fs := findings(doc([st(0, [0], true)], [lw(0, 3, "CMD")]))
	count(fs) == 1
	some f in fs
	f.location.start_line == 3
	contains(f.msg, "this CMD has no effect")
}

test_lowercase_keyword_upper_cased if {
	fs := findings(doc([st(0, [0], true)], [lw(0, 3, "entrypoint")]))
	some f in fs
	contains(f.msg, "this ENTRYPOINT has no effect")
}

test_builder_stage_not_reported if {
	fs := findings(doc([st(0, [0], false), st(1, [1], true)], [lw(0, 3, "CMD")]))
	count(fs) == 0
}

test_inherited_builder_reported if {
	fs := findings(doc([st(0, [0], true), st(1, [0, 1], true)], [lw(0, 3, "HEALTHCHECK")]))
	count(fs) == 1
}

test_other_buildkit_rules_ignored if {
	w := object.union(lw(0, 3, "CMD"), {"rule": "JSONArgsRecommended"})
	count(findings(doc([st(0, [0], true)], [w]))) == 0
}

test_no_lint_field if {
	count(findings(fx.doc([st(0, [0], true)], []))) == 0
}

test_image_document_ignored if {
	count(findings({"kind": "image", "lint": [lw(0, 3, "CMD")]})) == 0
}
