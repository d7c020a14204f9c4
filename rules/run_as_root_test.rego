package hardline.rules.run_as_root_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.run_as_root

findings(doc) := fs if {
	fs := run_as_root.deny with input as doc
}

lines(doc) := {r.location.start_line | some r in findings(doc)}

single(base, img, instrs, rt) := fx.doc([fx.stage(0, "", 1, fx.image_base(base), img, instrs, fx.runtime(rt), [0], true)], [])

test_no_user_on_root_base if {
	d := single("python:3.12-slim", fx.python_slim, [], {})
	lines(d) == {1}
	some r in findings(d)
	contains(r.msg, "no USER instruction")
	contains(r.msg, "python:3.12-slim")
	r.key == "no-user"
}

test_no_user_scratch_is_root if {
	d := single("scratch", fx.scratch, [], {})
	lines(d) == {1}
}

test_no_user_distroless_nonroot_ok if {
	d := single("gcr.io/distroless/static:nonroot", fx.distroless_nonroot, [], {})
	count(findings(d)) == 0
}

test_base_default_root_explicit if {
	d := single("custom:1", fx.info({"known": true, "user": "root"}), [], {})
	lines(d) == {1}
}

test_user_root_flagged_at_user_line if {
	d := single("alpine:3.20", fx.alpine, [fx.user(0, 3, "root")], {"user": fx.eff_user("root", 0, 3)})
	lines(d) == {3}
}

test_user_zero_with_group if {
	d := single("alpine:3.20", fx.alpine, [fx.user(0, 3, "0:0")], {"user": fx.eff_user("0:0", 0, 3)})
	some r in findings(d)
	r.location.start_line == 3
	contains(r.msg, "USER 0:0")
}

test_user_root_group if {
	d := single("alpine:3.20", fx.alpine, [fx.user(0, 3, "root:app")], {"user": fx.eff_user("root:app", 0, 3)})
	lines(d) == {3}
}

test_root_then_app_ok if {
	d := single("alpine:3.20", fx.alpine, [fx.user(0, 3, "root"), fx.user(2, 5, "app")], {"user": fx.eff_user("app", 0, 5)})
	count(findings(d)) == 0
}

test_numeric_nonroot_ok if {
	d := single("alpine:3.20", fx.alpine, [], {"user": fx.eff_user("10001:10001", 0, 4)})
	count(findings(d)) == 0
}

test_unresolved_user_not_finding if {
	u := object.union(fx.eff_user("${APP_UID}", 0, 4), {"user": "", "unresolved": true})
	d := single("alpine:3.20", fx.alpine, [], {"user": u})
	count(findings(d)) == 0
}

# ARG-expanded USER: the facts carry the resolved value.
test_arg_expanded_user_root if {
	u := object.union(fx.eff_user("root", 0, 4), {"raw": "${RUN_AS}"})
	d := single("alpine:3.20", fx.alpine, [], {"user": u})
	some r in findings(d)
	r.location.start_line == 4
}

# USER root in a builder stage the final stage does not inherit.
test_builder_root_not_inherited if {
	b := fx.stage(0, "build", 1, fx.image_base("golang:1.22"), fx.golang, [fx.user(0, 2, "root")], fx.runtime({"user": fx.eff_user("root", 0, 2)}), [0], false)
	f := fx.stage(1, "", 5, fx.image_base("gcr.io/distroless/static:nonroot"), fx.distroless_nonroot, [], fx.runtime({}), [1], true)
	count(findings(fx.doc([b, f], []))) == 0
}

# USER root in an ancestor stage inherited through FROM <stage>.
test_root_inherited_through_from_stage if {
	b := fx.stage(0, "base", 1, fx.image_base("debian:12"), fx.debian, [fx.user(0, 2, "root")], fx.runtime({"user": fx.eff_user("root", 0, 2)}), [0], true)
	f := fx.stage(1, "final", 4, fx.stage_base("base", 0), fx.debian, [], fx.runtime({"user": fx.eff_user("root", 0, 2)}), [0, 1], true)
	some r in findings(fx.doc([b, f], []))
	r.location.start_line == 2
	r.stage == 0
	contains(r.msg, "stage 0 (\"base\")")
}

# The non-root USER of an ancestor is inherited: no finding.
test_nonroot_inherited_through_from_stage if {
	b := fx.stage(0, "base", 1, fx.image_base("debian:12"), fx.debian, [fx.user(0, 2, "app")], fx.runtime({"user": fx.eff_user("app", 0, 2)}), [0], true)
	f := fx.stage(1, "final", 4, fx.stage_base("base", 0), fx.debian, [], fx.runtime({"user": fx.eff_user("app", 0, 2)}), [0, 1], true)
	count(findings(fx.doc([b, f], []))) == 0
}

test_windows_out_of_scope if {
	d := single("mcr.microsoft.com/windows/servercore:ltsc2022", fx.windows, [], {})
	count(findings(d)) == 0
}

test_unresolved_base_not_finding if {
	b := object.union(fx.image_base("${BASE}"), {"unresolved": true})
	d := fx.doc([fx.stage(0, "", 1, b, fx.unknown, [], fx.runtime({}), [0], true)], [])
	count(findings(d)) == 0
}

# docker-library pattern: the entrypoint script re-executes the service with
# gosu; the container starts as root by design.
test_entrypoint_script_with_gosu_ok if {
	r := fx.run(0, 2, "apt-get install -y gosu", [fx.command(["apt-get", "install", "-y", "gosu"]), fx.command(["gosu", "nobody", "true"])], [fx.op("apt", "install", ["gosu"], 0)])
	rt := {"entrypoint": fx.exec_form(["docker-entrypoint.sh"], 0, 5), "cmd": fx.exec_form(["postgres"], 0, 6)}
	count(findings(single("debian:12-slim", fx.debian, [r], rt))) == 0
}

test_entrypoint_script_without_drop_tool_flagged if {
	rt := {"entrypoint": fx.exec_form(["docker-entrypoint.sh"], 0, 5), "cmd": fx.exec_form(["postgres"], 0, 6)}
	count(findings(single("debian:12-slim", fx.debian, [], rt))) == 1
}

test_s6_overlay_init_ok if {
	rt := {"entrypoint": fx.exec_form(["/init"], 0, 5)}
	count(findings(single("alpine:3.20", fx.alpine, [], rt))) == 0
}

test_gosu_but_direct_program_flagged if {
	r := fx.run(0, 2, "apt-get install -y gosu", [fx.command(["apt-get", "install", "-y", "gosu"])], [fx.op("apt", "install", ["gosu"], 0)])
	rt := {"cmd": fx.exec_form(["python", "app.py"], 0, 6)}
	count(findings(single("debian:12-slim", fx.debian, [r], rt))) == 1
}

# USER ${DEBUG:+root} with DEBUG declared without a value expands to "" (not
# unresolved): BuildKit sets an empty user, which is root.
test_user_expands_to_empty_is_root if {
	u := object.union(fx.eff_user("", 0, 4), {"raw": "${DEBUG:+root}"})
	d := single("alpine:3.20", fx.alpine, [], {"user": u})
	lines(d) == {4}
	some r in findings(d)
	contains(r.msg, "USER ${DEBUG:+root} in stage 0 expands to an empty user name")
	r.key == "user-empty:${DEBUG:+root}"
}

# The empty USER replaces a non-root user of the base image.
test_user_empty_over_nonroot_base if {
	u := object.union(fx.eff_user("", 0, 4), {"raw": "${DEBUG:+root}"})
	d := single("gcr.io/distroless/static:nonroot", fx.distroless_nonroot, [], {"user": u})
	lines(d) == {4}
}

test_user_empty_name_with_group if {
	u := object.union(fx.eff_user(":1000", 0, 4), {"raw": "${U}:1000", "user": ""})
	d := single("alpine:3.20", fx.alpine, [], {"user": u})
	lines(d) == {4}
}

# USER ${RUNUSER} with an ARG without default: the value comes from
# --build-arg, the facts mark it unresolved; no finding.
test_user_unresolved_arg_without_default_ok if {
	u := object.union(fx.eff_user("", 0, 4), {"raw": "${RUNUSER}", "unresolved": true})
	d := single("alpine:3.20", fx.alpine, [], {"user": u})
	count(findings(d)) == 0
}

test_user_expands_to_nonroot_ok if {
	u := object.union(fx.eff_user("app", 0, 4), {"raw": "${DEBUG:-app}"})
	count(findings(single("alpine:3.20", fx.alpine, [], {"user": u}))) == 0
}

# Unknown base image: the message says what the finding rests on.
test_unknown_base_message_hedged if {
	some r in findings(single("registry.example.com/team/base:1", fx.unknown, [], {}))
	contains(r.msg, "runs as root unless its base image registry.example.com/team/base:1 sets a non-root USER")
	r.key == "no-user"
}

test_known_base_message_definite if {
	some r in findings(single("python:3.12-slim", fx.python_slim, [], {}))
	contains(r.msg, "runs as root; its base image python:3.12-slim defaults to root")
	not contains(r.msg, "unless")
}

linuxserver := fx.info({"known": true, "shell": true, "entry": "linuxserver"})

jupyter := fx.info({"known": true, "distro": "ubuntu", "family": "debian", "libc": "glibc", "package_manager": "apt", "user": "1000", "runtime": "python", "entry": "jupyter-docker-stacks"})

# LinuxServer.io images run as root and their inherited s6-overlay /init
# starts the services as abc.
test_linuxserver_inherited_s6_init_ok if {
	count(findings(single("lscr.io/linuxserver/nginx:1.26.1", linuxserver, [], {}))) == 0
	count(findings(single("linuxserver/plex", linuxserver, [], {"cmd": fx.exec_form(["/app/run"], 0, 3)}))) == 0
}

# Overriding the ENTRYPOINT replaces s6's /init: root again.
test_linuxserver_entrypoint_override_flagged if {
	rt := {"entrypoint": fx.exec_form(["/app/server"], 0, 3)}
	count(findings(single("lscr.io/linuxserver/nginx:1.26.1", linuxserver, [], rt))) == 1
}

test_linuxserver_explicit_init_ok if {
	rt := {"entrypoint": fx.exec_form(["/init"], 0, 3)}
	count(findings(single("lscr.io/linuxserver/baseimage-alpine:3.20", fx.alpine, [], rt))) == 0
}

test_jupyter_nonroot_ok_user_root_flagged if {
	count(findings(single("quay.io/jupyter/base-notebook:2024-05-27", jupyter, [], {}))) == 0
	d := single("quay.io/jupyter/base-notebook:2024-05-27", jupyter, [fx.user(0, 2, "root")], {"user": fx.eff_user("root", 0, 2)})
	lines(d) == {2}
}

# --- images -------------------------------------------------------------------

image_findings(over) := fs if {
	fs := run_as_root.deny with input as ix.image_doc(over)
}

user_history := [
	ix.hist(0, "ADD", "ADD rootfs.tar.gz / # buildkit", 0),
	ix.hist(1, "CMD", "CMD [\"/bin/sh\"]", -1),
	ix.hist(2, "RUN", "RUN /bin/sh -c adduser -D app # buildkit", 1),
	ix.hist(3, "USER", "USER app", -1),
	ix.hist(4, "COPY", "COPY . /app # buildkit", 2),
]

test_image_empty_user_is_root if {
	fs := image_findings({})
	count(fs) == 1
	some f in fs
	f.msg == "config User is empty: the container runs as root"
	f.key == "no-user"
	not f.history
	not f.layer
	not f.location
}

test_image_user_root_and_zero if {
	some f in image_findings(object.union(ix.user_doc("root", ix.resolved("root", 0, true, "root")), ix.with_history(user_history)))
	f.msg == "config User is \"root\": the container runs as root"
	f.key == "user:root"
	f.history == 3
	some g in image_findings(ix.user_doc("0:0", ix.resolved("0:0", 0, true, "root")))
	contains(g.msg, "config User is \"0:0\"")
}

# A name that /etc/passwd maps to UID 0 is root too.
test_image_named_user_with_uid_zero if {
	over := object.union(ix.user_doc("app", ix.resolved("app", 0, true, "root")), ix.with_history(user_history))
	fs := image_findings(object.union(over, {"users": [ix.root_user, ix.passwd("app", 0)]}))
	count(fs) == 1
	some f in fs
	f.msg == "config User \"app\" is UID 0 in /etc/passwd: the container runs as root"
	f.key == "user:app"
	f.history == 3
}

test_image_group_only_user_is_root if {
	some f in image_findings(ix.user_doc(":1000", ix.resolved(":1000", 0, true, "root")))
	contains(f.msg, "names no user, only a group")
	f.key == "user-empty::1000"
}

test_image_nonroot_user_ok if {
	count(image_findings(ix.user_doc("app", ix.resolved("app", 1000, true, "app")))) == 0
}

# A numeric UID need not be in /etc/passwd: it is still not root.
test_image_numeric_uid_without_passwd_entry_ok if {
	count(image_findings(ix.user_doc("1000", ix.resolved("1000", 1000, true, "")))) == 0
}

# A name that is not in /etc/passwd: the UID is unknown (the container would
# not start); not judged.
test_image_unknown_user_not_judged if {
	res := object.union(ix.resolved("ghost", 0, false, ""), {"reason": "user ghost not found in /etc/passwd"})
	count(image_findings(ix.user_doc("ghost", res))) == 0
}

test_image_windows_out_of_scope if {
	count(image_findings({"image": {"os": "windows"}})) == 0
}

# docker-library pattern in an image: empty User, an entrypoint script that
# runs gosu, which the image has (the facts read the script).
test_image_entrypoint_script_with_gosu_ok if {
	e := ix.exec_doc(ix.exec_dropping(["docker-entrypoint.sh", "postgres"], "/usr/local/bin/docker-entrypoint.sh", ["gosu"]), ["docker-entrypoint.sh"], ["postgres"])
	count(image_findings(object.union(e, {"programs": {"gosu": [ix.prog("/usr/local/bin/gosu", 1)]}}))) == 0
}

# Any script the facts found dropping privileges, whatever its name.
test_image_shell_script_by_facts_ok if {
	e := ix.exec_doc(ix.exec_dropping(["/app/server-wrapper"], "/app/server-wrapper", ["su-exec"]), ["/app/server-wrapper"], [])
	count(image_findings(e)) == 0
}

# The script was read and runs no drop tool: gosu in the image is not enough.
test_image_entrypoint_script_not_dropping_flagged if {
	e := ix.exec_doc(ix.exec_script(["docker-entrypoint.sh", "postgres"], "/usr/local/bin/docker-entrypoint.sh", "/bin/sh", 2), ["docker-entrypoint.sh"], ["postgres"])
	count(image_findings(object.union(e, {"programs": {"gosu": [ix.prog("/usr/local/bin/gosu", 1)]}}))) == 1
}

# A script behind an init was not read: judged by its name and the drop
# tools the image ships.
test_image_script_after_init_with_gosu_ok if {
	e := ix.exec_doc(ix.exec_elf(["tini", "--", "docker-entrypoint.sh", "redis-server"], "/usr/bin/tini", 1), ["tini", "--", "docker-entrypoint.sh"], ["redis-server"])
	count(image_findings(object.union(e, {"programs": {"gosu": [ix.prog("/usr/local/bin/gosu", 1)]}}))) == 0
	count(image_findings(e)) == 1
}

# BusyBox links setpriv and chpst to itself in every BusyBox image: not
# evidence of a privilege drop.
test_image_busybox_applets_not_drop_tools if {
	e := ix.exec_doc(ix.exec_elf(["tini", "--", "/entrypoint.sh"], "/sbin/tini", 1), ["tini", "--", "/entrypoint.sh"], [])
	progs := {"programs": {
		"busybox": [ix.prog("/bin/busybox", 0)],
		"setpriv": [ix.applet("/bin/setpriv", 0)],
		"chpst": [ix.applet("/usr/bin/chpst", 0)],
	}}
	count(image_findings(object.union(e, progs))) == 1
}

test_image_entrypoint_script_without_drop_tool_flagged if {
	e := ix.exec_doc(ix.exec_script(["docker-entrypoint.sh", "postgres"], "/usr/local/bin/docker-entrypoint.sh", "/bin/sh", 2), ["docker-entrypoint.sh"], ["postgres"])
	count(image_findings(e)) == 1
}

# gosu in the image, but the container starts the program directly.
test_image_gosu_but_direct_program_flagged if {
	e := ix.exec_doc(ix.exec_elf(["python3", "app.py"], "/usr/bin/python3.12", 1), [], ["python3", "app.py"])
	count(image_findings(object.union(e, {"programs": {"gosu": [ix.prog("/usr/local/bin/gosu", 1)]}}))) == 1
}

# A Python console script (#!/usr/bin/python3) is not a shell wrapper.
test_image_python_script_with_gosu_flagged if {
	e := ix.exec_doc(ix.exec_script(["gunicorn", "app:app"], "/usr/local/bin/gunicorn", "/usr/local/bin/python3", 2), [], ["gunicorn", "app:app"])
	count(image_findings(object.union(e, {"programs": {"gosu": [ix.prog("/usr/local/bin/gosu", 1)]}}))) == 1
}

test_image_s6_init_and_supervisord_ok if {
	e := ix.exec_doc(ix.exec_elf(["/init"], "/init", 1), ["/init"], [])
	count(image_findings(e)) == 0
	s := ix.exec_doc(ix.exec_script(["/usr/bin/supervisord", "-n"], "/usr/bin/supervisord", "/usr/bin/python3", 1), [], ["/usr/bin/supervisord", "-n"])
	count(image_findings(s)) == 0
	t := ix.exec_doc(ix.exec_elf(["tini", "--", "supervisord"], "/sbin/tini", 1), ["tini", "--"], ["supervisord"])
	count(image_findings(t)) == 0
}

# A Dockerfile document never reaches the image branch, an image document
# never the Dockerfile ones.
test_image_branch_guarded if {
	count(findings(single("alpine:3.20", fx.alpine, [], {"user": fx.eff_user("app", 0, 3)}))) == 0
	fs := image_findings({})
	count(fs) == 1
	every f in fs {
		not f.location
		not f.stage
	}
}
