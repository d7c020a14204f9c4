package hardline.rules.secret_in_run_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.secret_in_run

findings(doc) := fs if {
	fs := secret_in_run.deny with input as doc
}

b := fx.stage(0, "build", 1, fx.image_base("node:20"), fx.node_debian, [], fx.runtime({}), [0], false)

f := fx.stage(1, "", 9, fx.image_base("nginx:alpine"), fx.nginx_alpine, [], fx.runtime({}), [1], true)

test_run_secret_in_builder_stage_flagged if {
	s := object.union(fx.secret("run", 0, 4, "-p"), {"rule": "generic-cli-password", "description": "Password on a command line"})
	fs := findings(fx.doc([b, f], [s]))
	count(fs) == 1
	some x in fs
	x.stage == 0
	x.location.start_line == 4
	contains(x.msg, "a RUN command (-p) in stage 0 (\"build\")")
	contains(x.msg, "Xk9$…(16 chars)")
}

test_heredoc_and_copy_heredoc if {
	secrets := [
		object.union(fx.secret("heredoc", 1, 10, ""), {"rule": "private-key", "description": "Private key", "masked": "----…(1675 chars)", "fingerprint": "aaaa"}),
		object.union(fx.secret("copy-heredoc", 1, 15, "_authToken"), {"fingerprint": "bbbb"}),
	]
	fs := findings(fx.doc([b, f], secrets))
	{x.key | some x in fs} == {"aaaa", "bbbb"}
	some x in fs
	x.key == "aaaa"
	contains(x.msg, "a RUN heredoc in stage 1")
}

test_onbuild_flagged if {
	fs := findings(fx.doc([b, f], [fx.secret("onbuild", 1, 11, "")]))
	some x in fs
	contains(x.msg, "ONBUILD")
}

test_env_sources_not_this_rule if {
	count(findings(fx.doc([b, f], [fx.secret("env", 1, 10, "X"), fx.secret("arg", -1, 1, "Y")]))) == 0
}

# --- ADD URLs and the commands of CMD, ENTRYPOINT and HEALTHCHECK --------------

test_add_url_credentials if {
	s := object.union(fx.secret("add", 1, 10, ""), {"rule": "url-basic-auth", "description": "Credentials in URL", "masked": "s3cr…(12 chars)"})
	fs := findings(fx.doc([b, f], [s]))
	count(fs) == 1
	some x in fs
	x.location.start_line == 10
	contains(x.msg, "hard-coded in an ADD URL in stage 1")
	contains(x.msg, "ADD records the URL in the image history")
}

test_runtime_command_sources if {
	secrets := [
		object.union(fx.secret("cmd", 1, 11, "--password"), {"fingerprint": "c1"}),
		object.union(fx.secret("entrypoint", 1, 12, ""), {"fingerprint": "e1"}),
		object.union(fx.secret("healthcheck", 1, 13, "Authorization"), {"fingerprint": "h1"}),
	]
	fs := findings(fx.doc([b, f], secrets))
	{x.key | some x in fs} == {"c1", "e1", "h1"}
	some c in fs
	c.key == "c1"
	contains(c.msg, "hard-coded in the CMD command (--password) in stage 1")
	contains(c.msg, "CMD is stored in the image configuration")
	some e in fs
	e.key == "e1"
	contains(e.msg, "the ENTRYPOINT command in stage 1")
	some h in fs
	h.key == "h1"
	h.location.start_line == 13
	contains(h.msg, "the HEALTHCHECK command (Authorization)")
	contains(h.msg, "HEALTHCHECK is stored in the image configuration")
}

test_runtime_sources_in_builder_stage_flagged if {
	fs := findings(fx.doc([b, f], [fx.secret("cmd", 0, 5, "")]))
	some x in fs
	x.stage == 0
	contains(x.msg, "in stage 0 (\"build\")")
}

test_unknown_source_not_this_rule if {
	count(findings(fx.doc([b, f], [fx.secret("label", 1, 10, "X"), fx.secret("workdir", 1, 11, "")]))) == 0
}

# --- images -------------------------------------------------------------------

image_findings(over) := fs if {
	fs := secret_in_run.deny with input as ix.image_doc(over)
}

run_history := ix.with_history([
	ix.hist(0, "ADD", "ADD rootfs.tar.gz / # buildkit", 0),
	ix.hist(1, "RUN", "RUN /bin/sh -c curl -u admin:hunt…(12 chars) https://example.com/x # buildkit", 1),
	ix.hist(2, "ADD", "ADD https://user:pass…(9 chars)@example.com/a.tgz /a.tgz # buildkit", 2),
	ix.hist(3, "LABEL", "LABEL deploy.token=ghp_…(40 chars)", -1),
	ix.hist(4, "CMD", "CMD [\"app\"]", -1),
])

test_image_history_run_secret if {
	s := ix.secret("history-run", "", 1, {"rule": "curl-auth-user", "description": "Password in curl -u", "key": "-u", "masked": "hunt…(12 chars)", "confidence": "high"})
	fs := image_findings(object.union(run_history, {"secrets": [s]}))
	count(fs) == 1
	some f in fs
	f.msg == "Password in curl -u: hunt…(12 chars) in the RUN command of history entry 1 (in -u) (high confidence); docker history --no-trunc shows it to anyone who can pull the image: pass it with RUN --mount=type=secret instead"
	f.history == 1
	f.layer == 1
	f.key == "fedcba9876543210"
}

test_image_history_other_instruction if {
	s := ix.secret("history", "", 2, {"rule": "basic-auth-url", "description": "Password in URL", "key": "", "masked": "pass…(9 chars)"})
	some f in image_findings(object.union(run_history, {"secrets": [s]}))
	startswith(f.msg, "Password in URL: pass…(9 chars) in history entry 2 (ADD) (medium confidence); docker history --no-trunc shows it")
	f.history == 2
	f.layer == 2
}

# ENV, LABEL and ARG records are HL1007's.
test_image_label_and_env_records_not_here if {
	l := ix.secret("label", "deploy.token", -1, {})
	h := ix.secret("history", "deploy.token", 3, {})
	count(image_findings(object.union(run_history, {"secrets": [l, h]}))) == 0
}

test_image_env_and_build_args_not_here if {
	count(image_findings({"secrets": [ix.secret("env", "DB_PASSWORD", -1, {}), ix.secret("history-arg", "NPM_TOKEN", 1, {})]})) == 0
}

test_image_branches_guarded if {
	count(findings(fx.doc([b, f], [ix.secret("history-run", "", 1, {})]))) == 0
}

test_image_config_command_line_secret if {
	s := ix.secret("config", "Cmd", -1, {"rule": "curl-auth-user", "description": "Password in curl -u", "key": "-u", "masked": "hunt…(12 chars)", "confidence": "high"})
	fs := image_findings(object.union(run_history, {"secrets": [s]}))
	count(fs) == 1
	some f in fs
	startswith(f.msg, "Password in curl -u: hunt…(12 chars) in the image config's Cmd (in -u) (high confidence); anyone who pulls the image can read it")
	f.history == 4 # the CMD entry that set it
}

test_image_config_secret_without_history if {
	s := ix.secret("config", "Entrypoint", -1, {})
	h := ix.with_history([ix.hist(0, "ADD", "ADD rootfs.tar.gz / # buildkit", 0)])
	some f in image_findings(object.union(h, {"secrets": [s]}))
	not f.history
	contains(f.msg, "config's Entrypoint")
}
