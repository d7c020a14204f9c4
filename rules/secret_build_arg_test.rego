package hardline.rules.secret_build_arg_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.secret_build_arg

findings(doc) := fs if {
	fs := secret_build_arg.deny with input as doc
}

token_arg := fx.arg(0, 2, "NPM_TOKEN", "", false, {"sensitive_name": true})

use_run(idx, line, extra) := fx.run_x(idx, line, "echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc && npm ci && rm .npmrc", [fx.command(["npm", "ci"])], [], object.union({"vars": ["NPM_TOKEN"], "build_args_used": ["NPM_TOKEN"]}, extra))

one(instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base("node:20-alpine"), fx.node_alpine, instrs, fx.runtime({}), [0], true)], [])

test_used_by_run if {
	fs := findings(one([token_arg, use_run(1, 3, {})]))
	count(fs) == 1
	some f in fs
	f.location.start_line == 2
	f.key == "NPM_TOKEN"
	contains(f.msg, "is used by RUN at line 3")
}

test_once_per_arg if {
	fs := findings(one([token_arg, use_run(1, 3, {}), use_run(2, 4, {})]))
	count(fs) == 1
}

test_secret_mount_env_ok if {
	m := {"mounts": [{"type": "secret", "id": "npm", "env": "NPM_TOKEN", "from_stage": -1}]}
	count(findings(one([token_arg, use_run(1, 3, m)]))) == 0
}

test_secret_mount_id_ok if {
	m := {"mounts": [{"type": "secret", "id": "npm_token", "target": "/run/secrets/npm_token", "from_stage": -1}]}
	count(findings(one([token_arg, use_run(1, 3, m)]))) == 0
}

test_declared_not_used_ok if {
	r := fx.run(1, 3, "npm ci", [fx.command(["npm", "ci"])], [])
	count(findings(one([token_arg, r]))) == 0
}

test_overridden_recorded_even_unused if {
	a := fx.arg(0, 2, "NPM_TOKEN", "abc", false, {"sensitive_name": true, "overridden": true})
	r := fx.run(1, 3, "npm ci", [fx.command(["npm", "ci"])], [])
	some f in findings(one([a, r]))
	contains(f.msg, "--build-arg")
	not contains(f.msg, "abc")
}

test_run_before_arg_not_in_scope if {
	count(findings(one([use_run(0, 2, {}), object.union(token_arg, {"index": 1, "location": fx.loc(3)})]))) == 0
}

test_env_copies_arg if {
	e := fx.env(1, 3, "GITHUB_TOKEN", "${GITHUB_TOKEN}", "")
	a := fx.arg(0, 2, "GITHUB_TOKEN", "", false, {})
	some f in findings(one([a, e]))
	contains(f.msg, "ENV GITHUB_TOKEN (line 3)")
}

test_builder_stage_not_shipped if {
	b := fx.stage(0, "build", 1, fx.image_base("node:20"), fx.node_debian, [token_arg, use_run(1, 3, {})], fx.runtime({}), [0], false)
	f := fx.stage(1, "", 5, fx.image_base("nginx:alpine"), fx.nginx_alpine, [], fx.runtime({}), [1], true)
	count(findings(fx.doc([b, f], []))) == 0
}

test_inherited_by_child_stage if {
	b := fx.stage(0, "base", 1, fx.image_base("node:20"), fx.node_debian, [token_arg], fx.runtime({}), [0], true)
	f := fx.stage(1, "", 5, fx.stage_base("base", 0), fx.node_debian, [use_run(0, 6, {})], fx.runtime({}), [0, 1], true)
	some x in findings(fx.doc([b, f], []))
	x.location.start_line == 2
	x.stage == 0
}

test_not_sensitive_fact_wins if {
	a := fx.arg(0, 2, "NPM_TOKEN", "", false, {"sensitive_name": false})
	count(findings(one([a, use_run(1, 3, {})]))) == 0
}

test_fallback_name_patterns if {
	lib_sensitive("GITHUB_TOKEN")
	lib_sensitive("DB_PASSWORD")
	lib_sensitive("AWS_SECRET_ACCESS_KEY")
	not lib_sensitive("NODE_VERSION")
	not lib_sensitive("TOKEN_URL")
	not lib_sensitive("PASSWORD_FILE")
}

lib_sensitive(n) if data.hardline.lib.dockerfile.sensitive_arg_name({"name": n})

# build_args_in_scope lists only ARGs with a value: an unset ARG that a RUN
# references is still reported (the value comes with --build-arg at build time).
test_used_without_value_in_lint_context if {
	r := use_run(1, 3, {"build_args_in_scope": []})
	count(findings(one([token_arg, r]))) == 1
}

test_override_needs_recording_run if {
	a := fx.arg(0, 2, "NPM_TOKEN", "abc", false, {"sensitive_name": true, "overridden": true})
	other := fx.run_x(1, 3, "npm ci", [fx.command(["npm", "ci"])], [], {"build_args_in_scope": ["OTHER"]})
	count(findings(one([a, other]))) == 0
	rec := fx.run_x(1, 3, "npm ci", [fx.command(["npm", "ci"])], [], {"build_args_in_scope": ["NPM_TOKEN"]})
	count(findings(one([a, rec]))) == 1
}

# --- images -------------------------------------------------------------------

image_findings(over) := fs if {
	fs := secret_build_arg.deny with input as ix.image_doc(over)
}

arg_history := ix.with_history([
	ix.hist(0, "ADD", "ADD rootfs.tar.gz / # buildkit", 0),
	ix.hist(1, "ARG", "ARG PASSWORD", -1),
	ix.hist(2, "RUN", "RUN |1 PASSWORD=s3cr…(14 chars) /bin/sh -c ./setup.sh # buildkit", 1),
	ix.hist(3, "RUN", "RUN |1 PASSWORD=s3cr…(14 chars) /bin/sh -c ./migrate.sh # buildkit", 2),
])

pw(h) := ix.secret("history-arg", "PASSWORD", h, {"masked": "s3cr…(14 chars)"})

test_image_build_arg_recorded if {
	fs := image_findings(object.union(arg_history, {"secrets": [pw(2)]}))
	count(fs) == 1
	some f in fs
	f.msg == "build argument PASSWORD=s3cr…(14 chars) is recorded in the image history (history entry 2): Generic password assignment (medium confidence); docker history --no-trunc shows it to anyone who can pull the image: use RUN --mount=type=secret instead"
	f.key == "PASSWORD"
	f.history == 2
	f.layer == 1
}

# Every RUN after the ARG records it: one finding naming the entries.
test_image_build_arg_once_per_name if {
	fs := image_findings(object.union(arg_history, {"secrets": [pw(3), pw(2)]}))
	count(fs) == 1
	some f in fs
	contains(f.msg, "(history entries 2, 3)")
	f.history == 2
}

test_image_two_args if {
	tok := ix.secret("history-arg", "NPM_TOKEN", 3, {"masked": "npm_…(40 chars)", "confidence": "high"})
	fs := image_findings(object.union(arg_history, {"secrets": [pw(2), tok]}))
	{f.key | some f in fs} == {"PASSWORD", "NPM_TOKEN"}
}

test_image_other_sources_not_here if {
	count(image_findings({"secrets": [ix.secret("env", "PASSWORD", -1, {}), ix.secret("history-run", "", 2, {})]})) == 0
}

test_image_branches_guarded if {
	d := object.union(one([]), {"secrets": [pw(2)]})
	count(findings(d)) == 0
}
