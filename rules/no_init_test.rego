package hardline.rules.no_init_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
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

# --- images -------------------------------------------------------------------

image_findings(over) := fs if {
	fs := no_init.deny with input as ix.image_doc(over)
}

ep_history := ix.with_history([
	ix.hist(0, "ADD", "ADD rootfs.tar.gz / # buildkit", 0),
	ix.hist(1, "CMD", "CMD [\"/bin/sh\"]", -1),
	ix.hist(2, "RUN", "RUN /bin/sh -c apk add --no-cache tini python3 # buildkit", 1),
	ix.hist(3, "ENTRYPOINT", "ENTRYPOINT [\"/sbin/tini\", \"--\"]", -1),
	ix.hist(4, "CMD", "CMD [\"python3\", \"app.py\"]", -1),
])

python_cmd := ix.exec_doc(ix.exec_elf(["python3", "app.py"], "/usr/bin/python3.12", 1), [], ["python3", "app.py"])

tini_exec(e) := object.union(ep_history, ix.exec_doc(e, ["/sbin/tini", "--"], ["python3", "app.py"]))

test_image_plain_cmd_flagged if {
	fs := image_findings(object.union(python_cmd, ep_history))
	count(fs) == 1
	some f in fs
	f.msg == "CMD starts python3 as PID 1 without an init, so signals may be ignored and zombie processes are not reaped"
	f.key == "python3"
	f.history == 4
	f.path == "/usr/bin/python3.12"
	not f.layer
}

test_image_tini_entrypoint_ok if {
	count(image_findings(tini_exec(ix.exec_elf(["/sbin/tini", "--", "python3", "app.py"], "/sbin/tini", 1)))) == 0
}

test_image_inits_ok if {
	count(image_findings(ix.exec_doc(ix.exec_elf(["/usr/bin/dumb-init", "--", "app"], "/usr/bin/dumb-init", 1), ["/usr/bin/dumb-init", "--"], ["app"]))) == 0
	count(image_findings(ix.exec_doc(ix.exec_elf(["/init"], "/init", 1), ["/init"], []))) == 0
	count(image_findings(ix.exec_doc(ix.exec_script(["supervisord", "-n"], "/usr/bin/supervisord", "/usr/bin/python3", 1), [], ["supervisord", "-n"]))) == 0
	count(image_findings(ix.exec_doc(ix.exec_elf(["/bin/sh", "-c", "exec tini -- python3 app.py"], "/bin/busybox", 0), [], ["/bin/sh", "-c", "exec tini -- python3 app.py"]))) == 0
}

# docker-entrypoint.sh hands over to its arguments, which start tini.
test_image_script_then_init_in_cmd_ok if {
	e := ix.exec_doc(ix.exec_script(["docker-entrypoint.sh", "tini", "--", "app"], "/usr/local/bin/docker-entrypoint.sh", "/bin/sh", 2), ["docker-entrypoint.sh"], ["tini", "--", "app"])
	count(image_findings(e)) == 0
}

# argv[0] is found (through PATH) under an init's name.
test_image_argv0_resolves_to_init_ok if {
	count(image_findings(ix.exec_doc(ix.exec_elf(["/usr/local/bin/init-wrapper", "--", "app"], "/sbin/tini", 1), ["/usr/local/bin/init-wrapper", "--"], ["app"]))) == 0
}

test_image_tini_installed_but_unused if {
	d := object.union(python_cmd, {"programs": {"tini": [ix.prog("/sbin/tini", 1)]}})
	some f in image_findings(d)
	endswith(f.msg, "not reaped (tini (/sbin/tini) is in the image but not used as the entrypoint)")
}

test_image_shell_c_without_exec if {
	argv := ["/bin/sh", "-c", "cd /app && python3 app.py"]
	some f in image_findings(ix.exec_doc(ix.exec_elf(argv, "/bin/busybox", 0), [], argv))
	contains(f.msg, "CMD starts sh (running python3 through -c) as PID 1")
}

test_image_entrypoint_named if {
	e := ix.exec_doc(ix.exec_elf(["/app/server", "--port", "8080"], "/app/server", 2), ["/app/server"], ["--port", "8080"])
	some f in image_findings(e)
	startswith(f.msg, "ENTRYPOINT starts server as PID 1")
	f.key == "server"
}

# Nothing configured to run.
test_image_no_exec_not_judged if {
	count(image_findings({})) == 0
}

test_image_init_missing if {
	fs := image_findings(tini_exec(ix.exec_missing(["/sbin/tini", "--", "python3", "app.py"])))
	count(fs) == 1
	some f in fs
	f.msg == "ENTRYPOINT names /sbin/tini but it does not exist in the image: the container cannot start"
	f.key == "init-missing:tini"
	f.history == 3
	not f.path
}

# A glibc tini on Alpine: found, executable, but its loader is missing.
test_image_init_not_runnable_loader_missing if {
	e := object.union(ix.exec_elf(["/sbin/tini", "--", "python3", "app.py"], "/sbin/tini", 2), {"interpreter": "/lib64/ld-linux-x86-64.so.2", "interpreter_found": false, "runnable": false})
	fs := image_findings(tini_exec(e))
	count(fs) == 1
	some f in fs
	f.msg == "ENTRYPOINT starts the init /sbin/tini, but /sbin/tini cannot run: its interpreter /lib64/ld-linux-x86-64.so.2 is missing; the container cannot start"
	f.key == "init-not-runnable:tini"
	f.path == "/sbin/tini"
	f.history == 3
}

test_image_init_not_executable if {
	e := object.union(ix.exec_elf(["tini", "--", "app"], "/usr/bin/tini", 2), {"executable": false, "runnable": false})
	some f in image_findings(tini_exec(e))
	contains(f.msg, "/usr/bin/tini cannot run: it is not executable")
}

test_image_windows_out_of_scope if {
	count(image_findings(object.union(python_cmd, {"image": {"os": "windows"}}))) == 0
}

# A Dockerfile document never reaches the image branches.
test_image_branches_guarded if {
	d := object.union(one([], {"entrypoint": fx.exec_form(["/sbin/tini", "--"], 0, 4)}), {"exec": ix.exec_missing(["/sbin/tini"])})
	count(findings(d)) == 0
}
