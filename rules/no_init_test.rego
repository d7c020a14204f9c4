package hardline.rules.no_init_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.no_init

findings(doc) := fs if {
	fs := no_init.deny with input as doc
}

one(instrs, rt) := fx.doc([fx.stage(0, "", 1, fx.image_base("python:3.12-alpine"), fx.python_alpine, instrs, fx.runtime(rt), [0], true)], [])

test_plain_cmd_flagged if {
	fs := findings(one([], {"cmd": fx.exec_form(["python", "app.py"], 0, 5)}))
	count(fs) == 1
	some f in fs
	f.location.start_line == 5
	contains(f.msg, "CMD starts python as PID 1")
}

test_tini_entrypoint_ok if {
	rt := {"entrypoint": fx.exec_form(["/sbin/tini", "--"], 0, 4), "cmd": fx.exec_form(["python", "app.py"], 0, 5)}
	count(findings(one([], rt))) == 0
}

test_tini_static_and_dumb_init_ok if {
	count(findings(one([], {"entrypoint": fx.exec_form(["/tini-static", "-g", "--", "app"], 0, 4)}))) == 0
	count(findings(one([], {"entrypoint": fx.exec_form(["/usr/bin/dumb-init", "--single-child", "--", "app"], 0, 4)}))) == 0
	count(findings(one([], {"entrypoint": fx.exec_form(["/init"], 0, 4)}))) == 0
	count(findings(one([], {"cmd": fx.exec_form(["/usr/bin/supervisord", "-n"], 0, 4)}))) == 0
}

test_exec_tini_through_shell if {
	ep := fx.exec_form(["/bin/sh", "-c", "exec tini -- python app.py"], 0, 4)
	count(findings(one([], {"entrypoint": ep}))) == 0
}

test_shell_form_cmd_flagged if {
	fs := findings(one([], {"cmd": fx.shell_form("python app.py", 0, 5)}))
	some f in fs
	contains(f.msg, "starts sh (shell form, running python)")
}

test_entrypoint_without_init_reported_at_entrypoint if {
	rt := {"entrypoint": fx.exec_form(["/app/server"], 0, 4), "cmd": fx.exec_form(["--port", "8080"], 0, 5)}
	fs := findings(one([], rt))
	some f in fs
	f.location.start_line == 4
	contains(f.msg, "ENTRYPOINT starts server")
}

test_installed_but_unused if {
	r := fx.run(0, 2, "apk add --no-cache tini", [fx.command(["apk", "add", "--no-cache", "tini"])], [fx.op("apk", "install", ["tini"], 0)])
	fs := findings(one([r], {"cmd": fx.exec_form(["python", "app.py"], 0, 5)}))
	some f in fs
	contains(f.msg, "tini is installed but not used")
}

test_dumb_init_downloaded_but_unused if {
	u := "https://github.com/Yelp/dumb-init/releases/download/v1.2.5/dumb-init_1.2.5_x86_64"
	r := fx.run(0, 2, sprintf("wget -O /usr/local/bin/dumb-init %s", [u]), [fx.command(["wget", "-O", "/usr/local/bin/dumb-init", u])], [])
	fs := findings(one([r], {"cmd": fx.exec_form(["python", "app.py"], 0, 5)}))
	some f in fs
	contains(f.msg, "dumb-init is installed")
}

test_no_cmd_no_entrypoint_unknown if {
	count(findings(one([], {}))) == 0
}

test_entrypoint_inherited_from_stage if {
	ep := fx.exec_form(["tini", "--"], 0, 3)
	b := fx.stage(0, "base", 1, fx.image_base("debian:12"), fx.debian, [], fx.runtime({"entrypoint": ep}), [0], true)
	f := fx.stage(1, "", 5, fx.stage_base("base", 0), fx.debian, [], fx.runtime({"entrypoint": ep, "cmd": fx.exec_form(["app"], 1, 6)}), [0, 1], true)
	count(findings(fx.doc([b, f], []))) == 0
}

test_builder_entrypoint_irrelevant if {
	b := fx.stage(0, "build", 1, fx.image_base("golang:1.22"), fx.golang, [], fx.runtime({"entrypoint": fx.exec_form(["tini", "--"], 0, 2)}), [0], false)
	f := fx.stage(1, "", 5, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({"cmd": fx.exec_form(["/app"], 1, 6)}), [1], true)
	fs := findings(fx.doc([b, f], []))
	some x in fs
	x.location.start_line == 6
	x.stage == 1
}

test_script_entrypoint_with_tini_cmd if {
	rt := {"entrypoint": fx.exec_form(["docker-entrypoint.sh"], 0, 4), "cmd": fx.exec_form(["tini", "--", "app"], 0, 5)}
	count(findings(one([], rt))) == 0
}

test_windows_out_of_scope if {
	d := fx.doc([fx.stage(0, "", 1, fx.image_base("mcr.microsoft.com/windows/servercore:ltsc2022"), fx.windows, [], fx.runtime({"cmd": fx.exec_form(["app.exe"], 0, 3)}), [0], true)], [])
	count(findings(d)) == 0
}

# Windows detection beyond the image family (a cmd.exe entrypoint, the
# backtick escape, ...) is the builder's stage.windows fact (tested in
# pkg/dockerfile); the rule only reads it.
test_windows_fact_skips if {
	d := fx.doc([fx.windows_stage(fx.stage(0, "", 1, fx.image_base("stefanscherer/node-windows:6.0.0"), fx.unknown, [], fx.runtime({"entrypoint": fx.exec_form(["cmd.exe", "/C", "node app.js"], 0, 3)}), [0], true))], [])
	count(findings(d)) == 0
	d2 := fx.doc([fx.stage(0, "", 1, fx.image_base("example/base:1"), fx.unknown, [], fx.runtime({"cmd": fx.exec_form(["node", "app.js"], 0, 3)}), [0], true)], [])
	count(findings(d2)) == 1
}

# `CMD exec /app`: the shell execs the program, which then is PID 1.
test_shell_form_exec_names_program if {
	fs := findings(one([], {"cmd": fx.shell_form("exec /app --port 80", 0, 5)}))
	some f in fs
	contains(f.msg, "CMD starts app as PID 1")
	not contains(f.msg, "shell form")
	f.key == "app"
}

test_exec_form_sh_c_names_program if {
	some f in findings(one([], {"entrypoint": fx.exec_form(["/bin/sh", "-c", "cd /srv && exec python app.py"], 0, 4)}))
	contains(f.msg, "ENTRYPOINT starts python as PID 1")
	some g in findings(one([], {"entrypoint": fx.exec_form(["/bin/sh", "-c", "python app.py"], 0, 4)}))
	contains(g.msg, "starts sh (running python through -c)")
}

linuxserver := fx.info({"known": true, "shell": true, "entry": "linuxserver"})

jupyter := fx.info({"known": true, "distro": "ubuntu", "family": "debian", "libc": "glibc", "package_manager": "apt", "user": "1000", "runtime": "python", "entry": "jupyter-docker-stacks"})

base_doc(ref, img, rt) := fx.doc([fx.stage(0, "", 1, fx.image_base(ref), img, [], fx.runtime(rt), [0], true)], [])

# The base image's ENTRYPOINT is an init (s6-overlay /init, tini) that the
# CMD runs under.
test_inherited_base_init_ok if {
	count(findings(base_doc("lscr.io/linuxserver/nginx:1.26.1", linuxserver, {"cmd": fx.exec_form(["/app/run"], 0, 3)}))) == 0
	count(findings(base_doc("quay.io/jupyter/base-notebook:2024-05-27", jupyter, {"cmd": fx.exec_form(["start-notebook.py", "--IdentityProvider.token=''"], 0, 3)}))) == 0
	count(findings(base_doc("jupyter/scipy-notebook:latest", jupyter, {"cmd": fx.exec_form(["start-notebook.py"], 0, 3)}))) == 0
}

test_inherited_base_init_replaced_by_entrypoint if {
	rt := {"entrypoint": fx.exec_form(["jupyter", "lab"], 0, 3)}
	count(findings(base_doc("quay.io/jupyter/base-notebook:2024-05-27", jupyter, rt))) == 1
	count(findings(base_doc("jupyter/notebook:latest", fx.unknown, {"cmd": fx.exec_form(["jupyter", "notebook"], 0, 3)}))) == 1
}
