package hardline.rules.acme_approved_registry_test

import data.hardline.rules.acme_approved_registry as rule

stage(i, resolved, registry, needed) := {
	"index": i,
	"location": {"start_line": i + 1, "start_column": 1, "end_line": i + 1, "end_column": 10},
	"needed_by_final": needed,
	"base": {"resolved": resolved, "ref": {"registry": registry}},
}

test_public_registry_is_denied if {
	count(rule.deny) == 1 with input as {"stages": [stage(0, "python:3.12", "docker.io", true)]}
}

test_approved_registry_is_allowed if {
	count(rule.deny) == 0 with input as {"stages": [stage(0, "registry.acme.example/python:3.12", "registry.acme.example", true)]}
}

test_unused_stage_is_ignored if {
	count(rule.deny) == 0 with input as {"stages": [stage(0, "python:3.12", "docker.io", false)]}
}

test_from_stage_and_scratch_have_no_ref if {
	count(rule.deny) == 0 with input as {"stages": [{"index": 1, "needed_by_final": true, "base": {"resolved": "builder"}}]}
}
