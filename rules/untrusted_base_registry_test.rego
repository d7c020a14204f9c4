package hardline.rules.untrusted_base_registry_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.untrusted_base_registry as rule

ref(registry, repository) := {"registry": registry, "repository": repository, "tag": "1", "name": repository}

base(raw, r) := {"raw": raw, "resolved": raw, "unresolved": false, "scratch": false, "stage": -1, "ref": r}

one(b) := fx.doc([fx.stage(0, "", 1, b, fx.unknown, [], fx.runtime({}), [0], true)], [])

trusted := ["docker.io/library", "ghcr.io/acme"]

test_untrusted_registry if {
	fs := rule.deny with input as one(base("quay.io/x/y:1", ref("quay.io", "x/y"))) with data.hardline.config.trusted_registries as trusted
	count(fs) == 1
	some f in fs
	contains(f.msg, "quay.io/x/y")
	f.key == "quay.io/x/y"
}

test_hub_namespace_not_library if {
	count(rule.deny) == 1 with input as one(base("bitnami/redis:7", ref("docker.io", "bitnami/redis"))) with data.hardline.config.trusted_registries as trusted
}

test_trusted_ok if {
	count(rule.deny) == 0 with input as one(base("python:3.12", ref("docker.io", "library/python"))) with data.hardline.config.trusted_registries as trusted
	count(rule.deny) == 0 with input as one(base("ghcr.io/acme/app:1", ref("ghcr.io", "acme/app"))) with data.hardline.config.trusted_registries as trusted
}

test_prefix_on_path_boundary if {
	count(rule.deny) == 1 with input as one(base("ghcr.io/acme-evil/app:1", ref("ghcr.io", "acme-evil/app"))) with data.hardline.config.trusted_registries as trusted
}

test_no_list_no_finding if {
	count(rule.deny) == 0 with input as one(base("quay.io/x/y:1", ref("quay.io", "x/y")))
	count(rule.deny) == 0 with input as one(base("quay.io/x/y:1", ref("quay.io", "x/y"))) with data.hardline.config.trusted_registries as []
}

test_stage_scratch_unresolved_not_judged if {
	count(rule.deny) == 0 with input as one(fx.image_base("scratch")) with data.hardline.config.trusted_registries as trusted
	u := {"raw": "${BASE}", "resolved": "", "unresolved": true, "scratch": false, "stage": -1}
	count(rule.deny) == 0 with input as one(u) with data.hardline.config.trusted_registries as trusted
}
