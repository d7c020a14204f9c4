package hardline.rules.base_image_no_digest_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.base_image_no_digest as nodigest

ref(registry, repository, tag, digest) := {"registry": registry, "repository": repository, "tag": tag, "digest": digest, "name": repository}

base(raw, resolved, r) := {"raw": raw, "resolved": resolved, "unresolved": false, "scratch": false, "stage": -1, "ref": r}

one(b) := fx.doc([fx.stage(0, "", 1, b, fx.unknown, [], fx.runtime({}), [0], true)], [])

test_no_digest_only_for_version_tags if {
	count(nodigest.deny) == 1 with input as one(base("nginx:1.27", "nginx:1.27", ref("docker.io", "library/nginx", "1.27", "")))
	count(nodigest.deny) == 0 with input as one(base("nginx:1.27@sha256:ab", "nginx:1.27@sha256:ab", ref("docker.io", "library/nginx", "1.27", "sha256:ab")))
	count(nodigest.deny) == 0 with input as one(base("nginx", "nginx", ref("docker.io", "library/nginx", "", "")))
	count(nodigest.deny) == 0 with input as one(base("nginx:latest", "nginx:latest", ref("docker.io", "library/nginx", "latest", "")))
	count(nodigest.deny) == 0 with input as one(fx.image_base("scratch"))
}

test_arg_expanded_and_unresolved if {
	some f in nodigest.deny with input as one(base("python:${PY}", "python:3.12", ref("docker.io", "library/python", "3.12", "")))
	contains(f.msg, "FROM python:${PY} (resolves to python:3.12) is pinned by tag only")
	u := object.union(base("${BASE}", "", null), {"unresolved": true})
	count(nodigest.deny) == 0 with input as one(u)
}
