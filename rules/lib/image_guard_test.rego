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
import data.hardline.rules.no_healthcheck
import data.hardline.rules.no_init
import data.hardline.rules.node_in_final
import data.hardline.rules.package_cache_left
import data.hardline.rules.privileged_port_exposed
import data.hardline.rules.run_as_root
import data.hardline.rules.secret_build_arg
import data.hardline.rules.secret_in_env_or_arg
import data.hardline.rules.secret_in_run
import data.hardline.rules.setuid_setgid_files
import data.hardline.rules.shell_form_entrypoint
import data.hardline.rules.ssh_server_in_image
import data.hardline.rules.sudo_in_run
import data.hardline.rules.sudo_installed
import data.hardline.rules.unverified_remote_script
import data.hardline.rules.update_without_install
import data.hardline.rules.verification_disabled
import data.hardline.rules.world_writable_paths
import data.hardline.rules.writable_account_files

# An image with something for every image rule to report. It is in Docker
# format (the only one whose configuration can hold a healthcheck) and has
# none, while exposing ports; the EXPOSE and ENV entries are recorded the
# way BuildKit writes them.
image_sink := ix.image_doc(object.union_n([
	ix.user_doc("app", ix.resolved("app", 0, true, "root")),
	ix.exec_doc(ix.exec_elf(["gunicorn", "app:app"], "/usr/local/bin/gunicorn", 2), [], ["gunicorn", "app:app"]),
	ix.packages("apk", [
		ix.pkg("musl", 0), ix.pkg("gcc", 1), ix.virtual_pkg(".build-deps", ["gcc"], 1),
		ix.pkg("sudo", 3), ix.pkg("openssh-server", 3),
	]),
	ix.with_history([
		ix.hist(0, "ADD", "ADD alpine-minirootfs.tar.gz / # buildkit", 0),
		ix.hist(1, "RUN", "RUN /bin/sh -c apk add tini # buildkit", 1),
		ix.hist(2, "RUN", "RUN |1 NPM_TOKEN=npm_…(40 chars) /bin/sh -c npm ci # buildkit", 2),
		ix.hist(3, "ENV", "ENV DB_PASSWORD=Xk9m…(20 chars)", -1),
		ix.hist(4, "LABEL", "LABEL token=Xk9m…(20 chars)", -1),
		ix.hist(5, "RUN", "RUN /bin/sh -c apk add --no-cache openssh-server sudo # buildkit", 3),
		ix.hist(6, "RUN", "RUN /bin/sh -c curl -fsSL https://get.example.com/install.sh | sh # buildkit", 4),
		ix.hist(7, "RUN", "RUN /bin/sh -c sudo chown -R app /app # buildkit", 5),
		ix.hist(8, "ENV", "ENV NODE_TLS_REJECT_UNAUTHORIZED=0", -1),
		ix.hist(9, "EXPOSE", "EXPOSE map[22/tcp:{} 80/tcp:{}]", -1),
		ix.hist(10, "USER", "USER app", -1),
		ix.hist(11, "CMD", "CMD [\"gunicorn\", \"app:app\"]", -1),
		ix.run_hist(12, "/bin/sh -c apk update", 6),
	]),
	{
		"image": {"format": "docker"},
		"config": {
			"env": [
				{"name": "PATH", "value": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "secret": false},
				{"name": "NODE_TLS_REJECT_UNAUTHORIZED", "value": "0", "secret": false},
			],
			"exposed_ports": ["22/tcp", "80/tcp"],
			"healthcheck": null,
		},
		"package_caches": [{"path": "/var/cache/apk", "manager": "apk", "files": 3, "bytes": 2621440, "layer": 1}],
		"account_files": [
			ix.file_ref("/etc/passwd", "file", "0664", 2, ""),
			ix.file_ref("/etc/shadow", "file", "0640", 0, "shadow"),
		],
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
	{["package_cache_left", f] | some f in package_cache_left.deny with input as doc},
	{["no_healthcheck", f] | some f in no_healthcheck.deny with input as doc},
	{["writable_account_files", f] | some f in writable_account_files.deny with input as doc},
	{["verification_disabled", f] | some f in verification_disabled.deny with input as doc},
	{["unverified_remote_script", f] | some f in unverified_remote_script.deny with input as doc},
	{["sudo_installed", f] | some f in sudo_installed.deny with input as doc},
	{["sudo_in_run", f] | some f in sudo_in_run.deny with input as doc},
	{["ssh_server_in_image", f] | some f in ssh_server_in_image.deny with input as doc},
	{["privileged_port_exposed", f] | some f in privileged_port_exposed.deny with input as doc},
	{["update_without_install", f] | some f in update_without_install.deny with input as doc},
})

test_every_image_rule_reports_on_the_sink if {
	ids := {r[0] | some r in results(image_sink)}
	ids == {
		"run_as_root", "build_deps_in_final", "node_in_final", "no_init",
		"glibc_on_musl", "secret_in_env_or_arg", "secret_in_run",
		"secret_build_arg", "credential_file_copied", "setuid_setgid_files",
		"world_writable_paths", "package_cache_left", "no_healthcheck",
		"writable_account_files", "verification_disabled",
		"unverified_remote_script", "sudo_installed", "sudo_in_run",
		"ssh_server_in_image", "privileged_port_exposed", "update_without_install",
	}
}

# The sink's facts for the rules added after the first twelve reach the
# image branch meant for them, and only those facts: a rule that reported
# on something else would leave its own image branch unchecked. Each
# finding is [rule, key, history entry or -1]: installing the sudo package
# (entry 5) is not a use of sudo (entry 7), and the /etc/shadow of the sink
# is not writable by anyone but root.
test_sink_facts_reach_the_intended_image_branches if {
	found := {[r[0], r[1].key, object.get(r[1], "history", -1)] |
		some r in results(image_sink)
		r[0] in {
			"package_cache_left", "no_healthcheck", "writable_account_files",
			"verification_disabled", "unverified_remote_script", "sudo_installed",
			"sudo_in_run", "ssh_server_in_image", "privileged_port_exposed",
			"update_without_install",
		}
	}
	found == {
		["package_cache_left", "/var/cache/apk", 1],
		["no_healthcheck", "no-healthcheck", -1],
		["writable_account_files", "/etc/passwd", 2],
		["verification_disabled", "env:NODE_TLS_REJECT_UNAUTHORIZED", 8],
		["unverified_remote_script", "pipe:https://get.example.com/install.sh", 6],
		["sudo_installed", "package:sudo", 5],
		["sudo_in_run", "sudo", 7],
		["ssh_server_in_image", "package:openssh-server", 5],
		["ssh_server_in_image", "expose:22/tcp", 9],
		["privileged_port_exposed", "expose:80/tcp", 9],
		["update_without_install", "apk", 12],
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

# A missing healthcheck is an absence in the image configuration: no layer
# or history entry made it, so that one finding points at neither (and
# names no file).
located("no_healthcheck", f) if {
	f.key == "no-healthcheck"
	not f.layer
	not f.history
	not f.path
}

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
