# METADATA
# title: Container does not start an init process
# description: |
#   The program started by ENTRYPOINT/CMD runs as PID 1. The kernel gives PID 1
#   no default signal handlers, so an application that does not install its own
#   ignores SIGTERM and is killed after the stop timeout, and PID 1 must reap
#   orphaned child processes or they pile up as zombies. A minimal init such as
#   tini or dumb-init forwards signals and reaps children.
#
#   In an image, the configured Entrypoint and Cmd are judged the same way,
#   and an init that is configured is also checked in the image: an
#   ENTRYPOINT naming /sbin/tini when the image has no /sbin/tini, or a tini
#   that cannot run (not executable, or its loader is missing, as with a
#   glibc build on Alpine), means the container does not start at all.
#   Images that configure nothing to run are not judged.
# custom:
#   id: HL1004
#   name: no-init
#   severity: medium
#   tags: [init]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Start the application through a minimal init:
#
#         RUN apk add --no-cache tini
#         ENTRYPOINT ["/sbin/tini", "--"]
#         CMD ["python", "app.py"]
#
#     Alternatively run the container with `docker run --init` (or the
#     equivalent of your orchestrator) and suppress this finding.
#   examples:
#     bad: |
#       FROM python:3.12-alpine
#       CMD ["python", "app.py"]
#     good: |
#       FROM python:3.12-alpine
#       RUN apk add --no-cache tini
#       ENTRYPOINT ["/sbin/tini", "--"]
#       CMD ["python", "app.py"]
package hardline.rules.no_init

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.image as img

deny contains r if {
	f := lib.final_stage
	not f.windows
	e := lib.final_exec
	not lib.exec_starts_init(e)
	not init_in_cmd_after_script
	not lib.final_inherited_init
	p := pid1(e)
	r := {
		"msg": sprintf("%s: %s starts %s as PID 1 without an init, so signals may be ignored and zombie processes are not reaped%s", [lib.stage_label(f.index), which(f), p, installed_note]),
		"location": e.location,
		"stage": e.stage,
		"key": p,
	}
}

which(f) := "ENTRYPOINT" if is_object(f.runtime.entrypoint)

else := "CMD"

# pid1(e): what runs as PID 1. A shell string that execs its program
# (`CMD exec /app`, `sh -c "cd /app && exec app"`) hands PID 1 over to it.
pid1(e) := p if {
	s := lib.shell_c_string(e)
	lib.exec_replaces_shell(s)
	p := lib.main_program(s)
} else := sprintf("%s (shell form, running %s)", [lib.basename(lib.exec_argv(e)[0]), program_of(e)]) if {
	e.form == "shell"
} else := sprintf("%s (running %s through -c)", [lib.basename(lib.exec_argv(e)[0]), program_of(e)]) if {
	lib.shell_c_string(e)
} else := lib.basename(lib.exec_argv(e)[0])

program_of(e) := p if {
	argv := lib.exec_argv(e)
	p := lib.main_program(argv[lib.dash_c_index(argv) + 1])
} else := "a command"

# ENTRYPOINT ["docker-entrypoint.sh"] + CMD ["tini", "--", "app"]: the script
# conventionally ends with `exec "$@"`.
init_in_cmd_after_script if {
	f := lib.final_stage
	is_object(f.runtime.entrypoint)
	some p in lib.final_exec_programs # the entrypoint's, as it is set
	lib.is_script(p)
	lib.exec_starts_init(f.runtime.cmd)
}

init_packages := {"tini", "tini-static", "dumb-init", "catatonit"}

installed_note := sprintf(" (%s is installed but not used as the entrypoint)", [lib.joined(installed_inits)]) if {
	count(installed_inits) > 0
} else := ""

installed_inits contains p if {
	some p in init_packages
	p in lib.final_installed_packages
}

installed_inits contains n if {
	some b in lib.final_copy_basenames
	m := regex.find_n(`^(tini|dumb-init|catatonit)`, b, 1)
	count(m) == 1
	n := m[0]
}

installed_inits contains n if {
	some u in lib.final_urls
	m := regex.find_n(`(tini|dumb-init)`, u, 1)
	count(m) == 1
	n := m[0]
}

# --- images -------------------------------------------------------------------

# PID 1 is not an init.
deny contains r if {
	img.is_image
	not img.windows
	count(img.exec_argv) > 0
	not image_starts_init
	p := pid1(img.exec)
	r := img.finding(
		sprintf("%s starts %s as PID 1 without an init, so signals may be ignored and zombie processes are not reaped%s", [img.exec_which, p, image_installed_note]),
		p,
		-1, image_exec_history, lib.str(input.exec.path),
	)
}

# The init named by argv[0] is not in the image.
deny contains r if {
	img.is_image
	not img.windows
	count(img.exec_argv) > 0
	lib.is_init(img.exec_argv[0])
	not input.exec.found
	r := img.finding(
		sprintf("%s names %s but it does not exist in the image%s: the container cannot start", [img.exec_which, img.exec_argv[0], resolved_note]),
		sprintf("init-missing:%s", [lib.basename(img.exec_argv[0])]),
		-1, image_exec_history, "",
	)
}

# The init is there but cannot run.
deny contains r if {
	img.is_image
	not img.windows
	count(img.exec_argv) > 0
	lib.is_init(img.exec_argv[0])
	input.exec.found == true
	not input.exec.runnable
	r := img.finding(
		sprintf("%s starts the init %s, but %s cannot run: %s; the container cannot start", [img.exec_which, img.exec_argv[0], input.exec.path, not_runnable_why]),
		sprintf("init-not-runnable:%s", [lib.basename(img.exec_argv[0])]),
		-1, image_exec_history, input.exec.path,
	)
}

resolved_note := sprintf(" (it resolves to %s)", [input.exec.path]) if {
	input.exec.path != ""
	input.exec.path != img.exec_argv[0]
} else := ""

not_runnable_why := "it is not executable" if {
	not input.exec.executable
} else := sprintf("its interpreter %s is missing", [input.exec.interpreter]) if {
	lib.str(input.exec.interpreter) != ""
	not input.exec.interpreter_found
} else := "it is not a runnable file"

# image_starts_init: PID 1 is an init or a supervisor, directly, through a
# shell that execs it, after a wrapper script (ENTRYPOINT
# ["docker-entrypoint.sh"] with CMD ["tini", "--", "app"]: the script
# conventionally ends with `exec "$@"`), or argv[0] was found under an
# init's name.
image_starts_init if lib.exec_starts_init(img.exec)

image_starts_init if img.exec_supervisor

image_starts_init if {
	some n in img.exec_names
	lib.is_init(n)
}

image_starts_init if {
	input.exec.from_entrypoint == true
	count(lib.list(input.config.entrypoint)) > 0
	script_entrypoint
	cmd := lib.list(input.config.cmd)
	lib.exec_starts_init({"argv": cmd, "args": cmd})
}

script_entrypoint if lib.is_script(lib.basename(lib.list(input.config.entrypoint)[0]))

script_entrypoint if img.exec_script

# The history entry that set ENTRYPOINT (or CMD): the last one.
image_exec_history := h if h := img.last_history(img.exec_which, "")

else := -1

image_inits := {"tini", "tini-static", "dumb-init", "catatonit", "docker-init"}

image_installed_note := sprintf(" (%s %s in the image but not used as the entrypoint)", [img.paths_text(found), is_are(found)]) if {
	found := img.present(image_inits)
	count(found) > 0
} else := ""

is_are(s) := "is" if count(s) == 1

else := "are"
