# Cross-rule tests of the contract between the two input kinds: on an image
# document no rule reports a Dockerfile location, and on a Dockerfile
# document no rule reports a layer, history entry or image path, even when
# the documents carry the other kind's fields.
package hardline.lib.image_guard_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.build_deps_in_final
import data.hardline.rules.credential_file_copied
import data.hardline.rules.glibc_on_musl
import data.hardline.rules.no_init
import data.hardline.rules.node_in_final
import data.hardline.rules.run_as_root
import data.hardline.rules.secret_build_arg
import data.hardline.rules.secret_in_env_or_arg
import data.hardline.rules.secret_in_run
import data.hardline.rules.setuid_setgid_files
import data.hardline.rules.shell_form_entrypoint
import data.hardline.rules.world_writable_paths

# An image with something for every image rule to report.
image_sink := ix.image_doc(object.union_n([
	ix.user_doc("app", ix.resolved("app", 0, true, "root")),
	ix.exec_doc(ix.exec_elf(["gunicorn", "app:app"], "/usr/local/bin/gunicorn", 2), [], ["gunicorn", "app:app"]),
	ix.packages("apk", [ix.pkg("musl", 0), ix.pkg("gcc", 1), ix.virtual_pkg(".build-deps", ["gcc"], 1)]),
	ix.with_history([
		ix.hist(0, "ADD", "ADD alpine-minirootfs.tar.gz / # buildkit", 0),
		ix.hist(1, "RUN", "RUN /bin/sh -c apk add tini # buildkit", 1),
		ix.hist(2, "RUN", "RUN |1 NPM_TOKEN=npm_…(40 chars) /bin/sh -c npm ci # buildkit", 2),
		ix.hist(3, "ENV", "ENV DB_PASSWORD=Xk9m…(20 chars)", -1),
		ix.hist(4, "LABEL", "LABEL token=Xk9m…(20 chars)", -1),
		ix.hist(5, "USER", "USER app", -1),
		ix.hist(6, "CMD", "CMD [\"gunicorn\", \"app:app\"]", -1),
	]),
	{
		"users": [ix.root_user, ix.passwd("app", 0)],
		"programs": {
			"node": [ix.prog("/usr/local/bin/node", 2)],
			"npm": [ix.prog("/usr/local/bin/npm", 2)],
			"tini": [ix.prog("/sbin/tini", 1)],
		},
		"elf": [ix.glibc_exec("/usr/local/bin/tool", 2, false), ix.glibc_lib("/opt/lib/libx.so", 2)],
		"wheels": [ix.wheel("/usr/lib/python3.12/site-packages/x-1.dist-info", ["cp312-cp312-manylinux_2_17_x86_64"], 2)],
		"setuid": [ix.file_ref("/usr/local/bin/suid", "file", "4755", 2, ""), ix.file_ref("/bin/su", "file", "4755", 0, "busybox")],
		"world_writable": [ix.file_ref("/data", "dir", "0777", 2, ""), ix.file_ref("/data/x", "file", "0666", 2, "")],
		"credential_files": [ix.cred_file("/root/.ssh/id_rsa", "ssh-private-key", 1, 2, "")],
		"secrets": [
			ix.secret("env", "DB_PASSWORD", -1, {}),
			ix.secret("label", "token", -1, {}),
			ix.secret("history", "API_KEY", 1, {}),
			ix.secret("history-run", "", 2, {}),
			ix.secret("history-arg", "NPM_TOKEN", 2, {}),
			ix.secret("file", "", -1, {"path": "/app/settings.py", "layer": 2}),
		],
	},
]))

# A Dockerfile document (root, no init) that also carries every image field.
dockerfile_with_image_fields := object.union(
	object.remove(image_sink, ["kind", "schema_version"]),
	fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({"cmd": fx.exec_form(["python", "app.py"], 0, 3)}), [0], true)], []),
)

# results(doc): [rule package, deny element] of every rule.
results(doc) := union({
	{["run_as_root", f] | some f in run_as_root.deny with input as doc},
	{["build_deps_in_final", f] | some f in build_deps_in_final.deny with input as doc},
	{["node_in_final", f] | some f in node_in_final.deny with input as doc},
	{["no_init", f] | some f in no_init.deny with input as doc},
	{["shell_form_entrypoint", f] | some f in shell_form_entrypoint.deny with input as doc},
	{["glibc_on_musl", f] | some f in glibc_on_musl.deny with input as doc},
	{["secret_in_env_or_arg", f] | some f in secret_in_env_or_arg.deny with input as doc},
	{["secret_in_run", f] | some f in secret_in_run.deny with input as doc},
	{["secret_build_arg", f] | some f in secret_build_arg.deny with input as doc},
	{["credential_file_copied", f] | some f in credential_file_copied.deny with input as doc},
	{["setuid_setgid_files", f] | some f in setuid_setgid_files.deny with input as doc},
	{["world_writable_paths", f] | some f in world_writable_paths.deny with input as doc},
})

test_every_image_rule_reports_on_the_sink if {
	ids := {r[0] | some r in results(image_sink)}
	ids == {
		"run_as_root", "build_deps_in_final", "node_in_final", "no_init",
		"glibc_on_musl", "secret_in_env_or_arg", "secret_in_run",
		"secret_build_arg", "credential_file_copied", "setuid_setgid_files",
		"world_writable_paths",
	}
}

test_image_findings_have_no_dockerfile_fields if {
	every r in results(image_sink) {
		not r[1].location
		not r[1].stage
		is_string(r[1].key)
		is_string(r[1].msg)
	}
}

# Every image finding points at a layer or a history entry (the root user
# only when the history has a USER entry).
test_image_findings_point_into_the_image if {
	every r in results(image_sink) {
		located(r[0], r[1])
	}
}

located(_, f) if f.layer >= 0

located(_, f) if f.history >= 0

test_dockerfile_document_gets_no_image_findings if {
	rs := results(dockerfile_with_image_fields)
	{r[0] | some r in rs} == {"run_as_root", "no_init"}
	every r in rs {
		r[1].location
		not r[1].layer
		not r[1].history
		not r[1].path
	}
}
