package hardline.rules.shell_form_entrypoint_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.shell_form_entrypoint

findings(doc) := fs if {
	fs := shell_form_entrypoint.deny with input as doc
}

one(rt) := fx.doc([fx.stage(0, "", 1, fx.image_base("node:20-alpine"), fx.node_alpine, [], fx.runtime(rt), [0], true)], [])

test_shell_cmd_flagged if {
	fs := findings(one({"cmd": fx.shell_form("node server.js", 0, 4)}))
	count(fs) == 1
	some f in fs
	f.location.start_line == 4
	contains(f.msg, "CMD is in shell form, so node runs as a child of /bin/sh -c")
}

test_shell_entrypoint_flagged if {
	fs := findings(one({"entrypoint": fx.shell_form("API_KEY_FILE=/run/x java -jar /app.jar", 0, 3)}))
	some f in fs
	f.key == "ENTRYPOINT"
	contains(f.msg, "java runs")
	not contains(f.msg, "API_KEY_FILE")
}

test_exec_prefix_ok if {
	count(findings(one({"cmd": fx.shell_form("exec node server.js --port $PORT", 0, 4)}))) == 0
}

test_exec_form_ok if {
	count(findings(one({"cmd": fx.exec_form(["node", "server.js"], 0, 4)}))) == 0
}

test_exec_entrypoint_with_shell_cmd_ok if {
	rt := {"entrypoint": fx.exec_form(["tini", "--"], 0, 3), "cmd": fx.shell_form("node server.js", 0, 4)}
	count(findings(one(rt))) == 0
}

test_custom_shell_named if {
	e := object.union(fx.shell_form("python app.py", 0, 4), {"argv": ["/bin/bash", "-o", "pipefail", "-c", "python app.py"]})
	some f in findings(one({"cmd": e}))
	contains(f.msg, "/bin/bash -o pipefail -c")
}

test_inherited_from_stage_reported_at_origin if {
	c := fx.shell_form("nginx -g 'daemon off;'", 0, 2)
	b := fx.stage(0, "base", 1, fx.image_base("nginx:alpine"), fx.nginx_alpine, [], fx.runtime({"cmd": c}), [0], true)
	f := fx.stage(1, "", 4, fx.stage_base("base", 0), fx.nginx_alpine, [], fx.runtime({"cmd": c}), [0, 1], true)
	some x in findings(fx.doc([b, f], []))
	x.stage == 0
	x.location.start_line == 2
}

test_builder_shell_cmd_ignored if {
	b := fx.stage(0, "build", 1, fx.image_base("node:20"), fx.node_debian, [], fx.runtime({"cmd": fx.shell_form("npm test", 0, 2)}), [0], false)
	f := fx.stage(1, "", 4, fx.image_base("nginx:alpine"), fx.nginx_alpine, [], fx.runtime({}), [1], true)
	count(findings(fx.doc([b, f], []))) == 0
}

test_windows_out_of_scope if {
	e := object.union(fx.shell_form("app.exe", 0, 3), {"argv": ["cmd", "/S", "/C", "app.exe"]})
	d := fx.doc([fx.stage(0, "", 1, fx.image_base("mcr.microsoft.com/windows/nanoserver:ltsc2022"), fx.windows, [], fx.runtime({"cmd": e, "shell": ["cmd", "/S", "/C"]}), [0], true)], [])
	count(findings(d)) == 0
}

test_message_names_main_program if {
	some f in findings(one({"cmd": fx.shell_form("set -e; cd /app && npm start", 0, 4)}))
	contains(f.msg, "so npm runs")
}

# --- exec form that only starts a shell ----------------------------------------

test_exec_form_sh_c_entrypoint_flagged if {
	fs := findings(one({"entrypoint": fx.exec_form(["/bin/sh", "-c", "/app"], 0, 3)}))
	count(fs) == 1
	some f in fs
	f.location.start_line == 3
	f.key == "ENTRYPOINT:shell-c"
	contains(f.msg, "ENTRYPOINT is in exec form but runs /bin/sh -c, so app runs as a child of sh")
}

test_exec_form_sh_c_cmd_without_entrypoint_flagged if {
	fs := findings(one({"cmd": fx.exec_form(["bash", "-ec", "cd /srv && node server.js"], 0, 4)}))
	some f in fs
	f.key == "CMD:shell-c"
	contains(f.msg, "so node runs")
}

test_exec_form_sh_c_with_exec_ok if {
	count(findings(one({"entrypoint": fx.exec_form(["/bin/sh", "-c", "exec /app"], 0, 3)}))) == 0
	count(findings(one({"cmd": fx.exec_form(["sh", "-c", "cd /srv && exec node server.js"], 0, 3)}))) == 0
	count(findings(one({"cmd": fx.exec_form(["sh", "-c", "exec node server.js 2>&1"], 0, 3)}))) == 0
}

test_exec_form_sh_c_cmd_after_entrypoint_ok if {
	# CMD only supplies arguments to the exec-form ENTRYPOINT.
	rt := {"entrypoint": fx.exec_form(["/app"], 0, 3), "cmd": fx.exec_form(["sh", "-c", "/app"], 0, 4)}
	count(findings(one(rt))) == 0
}

test_sh_c_with_trap_ok if {
	s := "trap 'kill -TERM $pid' TERM; node server.js & pid=$!; wait $pid"
	count(findings(one({"entrypoint": fx.exec_form(["/bin/sh", "-c", s], 0, 3)}))) == 0
	count(findings(one({"cmd": fx.shell_form(s, 0, 3)}))) == 0
}

test_shell_form_last_command_exec_ok if {
	count(findings(one({"cmd": fx.shell_form("cd /app && exec npm start", 0, 4)}))) == 0
	count(findings(one({"cmd": fx.shell_form("exec_server --port 80", 0, 4)}))) == 1
}

test_sh_script_argument_not_shell_c if {
	count(findings(one({"entrypoint": fx.exec_form(["/bin/sh", "/entrypoint.sh"], 0, 3)}))) == 0
}

# --- images -------------------------------------------------------------------

image_findings(over) := fs if {
	fs := shell_form_entrypoint.deny with input as ix.image_doc(over)
}

sh_c(s) := ["/bin/sh", "-c", s]

test_image_shell_cmd_flagged if {
	e := ix.exec_elf(sh_c("node server.js"), "/bin/busybox", 0)
	fs := image_findings(ix.exec_doc(e, [], sh_c("node server.js")))
	count(fs) == 1
	some f in fs
	f.msg == "the image's Cmd runs /bin/sh -c, so node runs as a child of sh and does not receive SIGTERM from docker stop; run the program directly (exec form) or prefix the command string with exec"
	f.key == "Cmd:shell-c"
}

test_image_shell_entrypoint_points_at_history if {
	argv := ["/bin/sh", "-ec", "cd /srv && ./app"]
	e := ix.exec_elf(argv, "/bin/busybox", 0)
	h := ix.with_history([
		ix.hist(0, "ADD", "ADD rootfs.tar / # buildkit", 0),
		ix.hist(1, "ENTRYPOINT", "ENTRYPOINT [\"/bin/sh\", \"-ec\", \"cd /srv && ./app\"]", -1),
	])
	some f in image_findings(object.union(h, ix.exec_doc(e, argv, [])))
	f.key == "Entrypoint:shell-c"
	f.history == 1
	contains(f.msg, "the image's Entrypoint runs /bin/sh -ec, so ")
}

test_image_exec_in_string_not_flagged if {
	argv := sh_c("cd /srv && exec ./app")
	count(image_findings(ix.exec_doc(ix.exec_elf(argv, "/bin/busybox", 0), argv, []))) == 0
}

test_image_trap_not_flagged if {
	argv := sh_c("trap 'kill $pid' TERM; ./app & pid=$!; wait")
	count(image_findings(ix.exec_doc(ix.exec_elf(argv, "/bin/busybox", 0), argv, []))) == 0
}

test_image_exec_form_not_flagged if {
	argv := ["node", "server.js"]
	count(image_findings(ix.exec_doc(ix.exec_elf(argv, "/usr/local/bin/node", 1), argv, []))) == 0
}

test_image_plain_shell_not_flagged if {
	# `CMD ["sh"]` (BusyBox, Alpine): an interactive shell, no command string.
	count(image_findings(ix.exec_doc(ix.exec_elf(["sh"], "/bin/busybox", 0), [], ["sh"]))) == 0
}

test_image_branch_ignores_dockerfiles if {
	count(findings(one({"cmd": fx.exec_form(["node", "server.js"], 0, 4)}))) == 0
}
