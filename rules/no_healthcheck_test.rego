package hardline.rules.no_healthcheck_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.no_healthcheck as rule

port(raw) := {"port": to_number(raw), "end_port": to_number(raw), "protocol": "tcp", "raw": raw, "stage": 0, "location": fx.loc(3)}

serving := {"expose": [port("8080")]}

one(base, img, rt) := fx.doc([fx.stage(0, "", 1, fx.image_base(base), img, [], fx.runtime(object.union(serving, rt)), [0], true)], [])

hc(none, st, line) := {"none": none, "test": ["CMD", "true"], "stage": st, "location": fx.loc(line)}

test_known_base_without_healthcheck if {
	fs := rule.deny with input as one("nginx:1.27", fx.nginx_alpine, {})
	count(fs) == 1
	some f in fs
	f.location.start_line == 1
	contains(f.msg, "nginx:1.27), which exposes 8080")
}

# Nothing exposed: a tool, a job or a base image, with nothing to probe.
test_no_port_not_reported if {
	count(rule.deny) == 0 with input as one("alpine:3.20", fx.alpine, {"expose": []})
	count(rule.deny) == 0 with input as one("alpine:3.20", fx.alpine, {"expose": null})
}

test_scratch_without_healthcheck if {
	count(rule.deny) == 1 with input as one("scratch", fx.scratch, {})
}

test_healthcheck_and_none_ok if {
	count(rule.deny) == 0 with input as one("nginx:1.27", fx.nginx_alpine, {"healthcheck": hc(false, 0, 3)})
	count(rule.deny) == 0 with input as one("nginx:1.27", fx.nginx_alpine, {"healthcheck": hc(true, 0, 3)})
}

test_unknown_or_unresolved_base_not_assumed if {
	count(rule.deny) == 0 with input as one("acme/base:1", fx.unknown, {})
	b := object.union(fx.image_base("${BASE}"), {"unresolved": true})
	count(rule.deny) == 0 with input as fx.doc([fx.stage(0, "", 1, b, fx.unknown, [], fx.runtime(serving), [0], true)], [])
}

# A HEALTHCHECK set in an ancestor stage is inherited through FROM <stage>.
test_inherited_through_from_stage if {
	b := fx.stage(0, "base", 1, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({"healthcheck": hc(false, 0, 2), "expose": [port("80")]}), [0], true)
	f := fx.stage(1, "", 4, fx.stage_base("base", 0), fx.alpine, [], fx.runtime({"healthcheck": hc(false, 0, 2), "expose": [port("80")]}), [0, 1], true)
	count(rule.deny) == 0 with input as fx.doc([b, f], [])
	g := fx.stage(1, "", 4, fx.stage_base("base", 0), fx.alpine, [], fx.runtime(serving), [0, 1], true)
	count(rule.deny) == 1 with input as fx.doc([object.union(b, {"runtime": fx.runtime(serving)}), g], [])
}

# Only the final stage counts: a builder's HEALTHCHECK does not ship.
test_builder_healthcheck_does_not_count if {
	b := fx.stage(0, "build", 1, fx.image_base("golang:1.22"), fx.golang, [], fx.runtime({"healthcheck": hc(false, 0, 2)}), [0], false)
	f := fx.stage(1, "", 4, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime(serving), [1], true)
	count(rule.deny) == 1 with input as fx.doc([b, f], [])
}

test_image_docker_format_without_healthcheck if {
	fs := rule.deny with input as ix.image_doc({"image": {"format": "docker"}, "config": {"exposed_ports": ["8080/tcp"]}})
	count(fs) == 1
	some f in fs
	not f.layer
	contains(f.msg, "exposes 8080/tcp")
	count(rule.deny) == 0 with input as ix.image_doc({"image": {"format": "docker"}, "config": {"exposed_ports": []}})
}

test_image_with_healthcheck_ok if {
	count(rule.deny) == 0 with input as ix.image_doc({"image": {"format": "docker"}, "config": {"exposed_ports": ["80/tcp"], "healthcheck": {"test": ["CMD", "true"]}}})
	count(rule.deny) == 0 with input as ix.image_doc({"image": {"format": "docker"}, "config": {"exposed_ports": ["80/tcp"], "healthcheck": {"test": ["NONE"]}}})
}

# OCI image configs cannot carry a healthcheck; unknown formats are not guessed.
test_image_oci_or_unknown_not_applicable if {
	count(rule.deny) == 0 with input as ix.image_doc({"image": {"format": "oci"}, "config": {"exposed_ports": ["80/tcp"]}})
	count(rule.deny) == 0 with input as ix.image_doc({"image": {"format": ""}, "config": {"exposed_ports": ["80/tcp"]}})
}
