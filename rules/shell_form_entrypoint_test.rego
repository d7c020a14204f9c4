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
