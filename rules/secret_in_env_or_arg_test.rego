package hardline.rules.secret_in_env_or_arg_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.secret_in_env_or_arg

findings(doc) := fs if {
	fs := secret_in_env_or_arg.deny with input as doc
}

st := fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [0], true)

test_env_secret if {
	fs := findings(fx.doc([st], [fx.secret("env", 0, 3, "DB_PASSWORD")]))
	count(fs) == 1
	some f in fs
	f.location.start_line == 3
	f.key == "0123456789abcdef"
	contains(f.msg, "Xk9$…(16 chars)")
	contains(f.msg, "ENV DB_PASSWORD in stage 0")
	contains(f.msg, "--mount=type=secret")
}

test_global_arg_secret if {
	s := object.union(fx.secret("arg", -1, 1, "AWS_SECRET_ACCESS_KEY"), {"rule": "aws-secret-access-key", "description": "AWS secret access key", "masked": "wJal…(40 chars)", "confidence": "high"})
	fs := findings(fx.doc([st], [s]))
	some f in fs
	f.stage == -1
	contains(f.msg, "ARG AWS_SECRET_ACCESS_KEY in the global scope")
}

test_label_secret_in_builder_stage if {
	b := fx.stage(0, "build", 1, fx.image_base("golang:1.22"), fx.golang, [], fx.runtime({}), [0], false)
	f := fx.stage(1, "", 5, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [1], true)
	fs := findings(fx.doc([b, f], [fx.secret("label", 0, 2, "api.token")]))
	some x in fs
	x.stage == 0
}

test_run_sources_not_this_rule if {
	secrets := [fx.secret("run", 0, 3, "-p"), fx.secret("heredoc", 0, 5, ""), fx.secret("copy-heredoc", 0, 7, "")]
	count(findings(fx.doc([st], secrets))) == 0
}

test_no_secrets if {
	count(findings(fx.doc([st], []))) == 0
	count(findings(fx.doc([st], null))) == 0
}

# --- images -------------------------------------------------------------------

image_findings(over) := fs if {
	fs := secret_in_env_or_arg.deny with input as ix.image_doc(over)
}

env_history := ix.with_history([
	ix.hist(0, "ADD", "ADD rootfs.tar.gz / # buildkit", 0),
	ix.hist(1, "ENV", "ENV DB_PASSWORD_FILE=/run/secrets/db", -1),
	ix.hist(2, "ENV", "ENV DB_PASSWORD=Xk9m…(20 chars)", -1),
	ix.hist(3, "ENV", "ENV DB_HOST=db", -1),
	ix.hist(4, "COPY", "COPY . /app # buildkit", 1),
])

test_image_env_secret if {
	fs := image_findings(object.union(env_history, {"secrets": [ix.secret("env", "DB_PASSWORD", -1, {})]}))
	count(fs) == 1
	some f in fs
	f.msg == "Generic password assignment: Xk9m…(20 chars) in ENV DB_PASSWORD of the image configuration (medium confidence); anyone who can pull the image reads it with docker inspect: inject it at run time instead"
	f.key == "fedcba9876543210"
	f.history == 2
	not f.layer
	not f.location
}

# DB_PASSWORD_FILE (entry 1) is another variable.
test_image_env_history_matches_whole_name if {
	h := ix.with_history([ix.hist(0, "ADD", "ADD rootfs.tar.gz /", 0), ix.hist(1, "ENV", "ENV DB_PASSWORD_FILE=/run/secrets/db", -1)])
	some f in image_findings(object.union(h, {"secrets": [ix.secret("env", "DB_PASSWORD", -1, {})]}))
	not f.history
}

# Legacy builder history and names with regex metacharacters.
test_image_env_history_legacy_form if {
	h := ix.with_history([ix.hist(0, "ENV", "/bin/sh -c #(nop)  ENV API.KEY=abcd…(32 chars)", -1), ix.hist(1, "ENV", "/bin/sh -c #(nop)  ENV APIXKEY=1", -1)])
	some f in image_findings(object.union(h, {"secrets": [ix.secret("env", "API.KEY", -1, {"confidence": "high", "description": "Generic API key."})]}))
	startswith(f.msg, "Generic API key: Xk9m…(20 chars) in ENV API.KEY of")
	f.history == 0
	contains(f.msg, "(high confidence)")
}

test_image_label_secret if {
	h := ix.with_history([
		ix.hist(0, "ADD", "ADD rootfs.tar.gz / # buildkit", 0),
		ix.hist(1, "LABEL", "LABEL maintainer=ops@example.com", -1),
		ix.hist(2, "LABEL", "LABEL deploy.token=ghp_…(40 chars)", -1),
	])
	s := ix.secret("label", "deploy.token", -1, {"description": "GitHub personal access token", "masked": "ghp_…(40 chars)", "confidence": "high"})
	fs := image_findings(object.union(h, {"secrets": [s]}))
	count(fs) == 1
	some f in fs
	f.msg == "GitHub personal access token: ghp_…(40 chars) in LABEL deploy.token of the image configuration (high confidence); anyone who can pull the image reads it with docker inspect: remove it from the label"
	f.history == 2
}

# An ENV value a later ENV replaced: only the history records it.
test_image_history_env_record if {
	h := ix.with_history([
		ix.hist(0, "ADD", "ADD rootfs.tar.gz / # buildkit", 0),
		ix.hist(1, "ENV", "ENV API_KEY=abcd…(32 chars)", -1),
		ix.hist(2, "ENV", "ENV API_KEY=", -1),
		ix.hist(3, "ARG", "ARG TOKEN=ghp_…(40 chars)", -1),
	])
	s := [ix.secret("history", "API_KEY", 1, {}), ix.secret("history", "TOKEN", 3, {"fingerprint": "aaaabbbbccccdddd"})]
	fs := image_findings(object.union(h, {"secrets": s}))
	count(fs) == 2
	some f in fs
	f.key == "fedcba9876543210"
	f.history == 1
	f.msg == "Generic password assignment: Xk9m…(20 chars) in ENV API_KEY, recorded in history entry 1 (medium confidence); docker history --no-trunc shows it to anyone who can pull the image, whatever later instructions did: remove it from the Dockerfile and provide it at run time or as a build secret"
	some g in fs
	g.history == 3
	contains(g.msg, " in ARG TOKEN, recorded in history entry 3 ")
}

test_image_other_sources_not_here if {
	h := ix.with_history([ix.hist(0, "ADD", "ADD https://u:p…(9 chars)@example.com/x /x", 0)])
	s := [ix.secret("history-arg", "NPM_TOKEN", 0, {}), ix.secret("history-run", "", 0, {}), ix.secret("history", "", 0, {}), ix.secret("file", "", -1, {"path": "/app/.env", "layer": 0})]
	count(image_findings(object.union(h, {"secrets": s}))) == 0
}

# Image secrets do not reach the Dockerfile branch (they have no location)
# and Dockerfile secrets do not reach the image branch.
test_image_branches_guarded if {
	count(image_findings({"secrets": [ix.secret("arg", "X", -1, {})]})) == 0
	d := fx.doc([st], [fx.secret("env", 0, 3, "DB_PASSWORD")])
	every f in findings(d) {
		f.location
	}
	count(findings(d)) == 1
}
