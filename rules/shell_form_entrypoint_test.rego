package hardline.rules.shell_form_entrypoint_test

import data.hardline.lib.fixtures as fx
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
