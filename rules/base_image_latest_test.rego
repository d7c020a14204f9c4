package hardline.rules.base_image_latest_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.base_image_latest as rule

ref(registry, repository, tag, digest) := {"registry": registry, "repository": repository, "tag": tag, "digest": digest, "name": repository}

base(raw, resolved, r) := {"raw": raw, "resolved": resolved, "unresolved": false, "scratch": false, "stage": -1, "ref": r}

one(b) := fx.doc([fx.stage(0, "", 1, b, fx.unknown, [], fx.runtime({}), [0], true)], [])

test_untagged if {
	fs := rule.deny with input as one(base("alpine", "alpine", ref("docker.io", "library/alpine", "", "")))
	count(fs) == 1
	some f in fs
	contains(f.msg, "has no tag")
	f.location.start_line == 1
}

test_latest_any_case if {
	count(rule.deny) == 1 with input as one(base("nginx:Latest", "nginx:Latest", ref("docker.io", "library/nginx", "Latest", "")))
}

test_version_tag_ok if {
	count(rule.deny) == 0 with input as one(base("nginx:1.27", "nginx:1.27", ref("docker.io", "library/nginx", "1.27", "")))
}

test_latest_with_digest_is_pinned if {
	count(rule.deny) == 0 with input as one(base("nginx:latest@sha256:ab", "nginx:latest@sha256:ab", ref("docker.io", "library/nginx", "latest", "sha256:ab")))
}

test_arg_expanded_to_latest if {
	fs := rule.deny with input as one(base("alpine:${TAG}", "alpine:latest", ref("docker.io", "library/alpine", "latest", "")))
	some f in fs
	contains(f.msg, "FROM alpine:${TAG} (resolves to alpine:latest)")
}

test_unresolved_scratch_and_stage_not_judged if {
	u := object.union(base("${BASE}", "", null), {"unresolved": true})
	count(rule.deny) == 0 with input as one(u)
	count(rule.deny) == 0 with input as one(fx.image_base("scratch"))
	b := fx.stage(0, "build", 1, base("golang:1.22", "golang:1.22", ref("docker.io", "library/golang", "1.22", "")), fx.golang, [], fx.runtime({}), [0], true)
	f := fx.stage(1, "", 3, fx.stage_base("build", 0), fx.golang, [], fx.runtime({}), [0, 1], true)
	count(rule.deny) == 0 with input as fx.doc([b, f], [])
}

# Builder stages pull code too: reported even when the final image is pinned.
test_builder_stage_reported if {
	b := fx.stage(0, "build", 1, base("golang", "golang", ref("docker.io", "library/golang", "", "")), fx.golang, [], fx.runtime({}), [0], false)
	f := fx.stage(1, "", 5, base("alpine:3.20", "alpine:3.20", ref("docker.io", "library/alpine", "3.20", "")), fx.alpine, [], fx.runtime({}), [1], true)
	fs := rule.deny with input as fx.doc([b, f], [])
	count(fs) == 1
	some x in fs
	x.stage == 0
}
