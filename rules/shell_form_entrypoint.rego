# METADATA
# title: ENTRYPOINT or CMD runs the application under a shell
# description: |
#   In shell form (`CMD node server.js`) Docker runs `/bin/sh -c "..."`, so the
#   shell is PID 1 and the application is its child. `docker stop` sends SIGTERM
#   to the shell, which does not forward it: the application never gets to shut
#   down cleanly and is killed with SIGKILL after the timeout. A shell-form
#   ENTRYPOINT also silently ignores CMD and `docker run` arguments. The exec
#   form does not help when all it runs is a shell
#   (`ENTRYPOINT ["/bin/sh", "-c", "/app"]`): the shell is still PID 1. A
#   command string whose (last) command is started with `exec`, or that sets
#   up its own signal handling with `trap`, is not reported.
#
#   In an image, the configuration records shell form as
#   `["/bin/sh", "-c", "..."]`, so the Entrypoint + Cmd the container starts
#   is judged the same way.
# custom:
#   id: HL1005
#   name: shell-form-entrypoint
#   severity: medium
#   tags: [init, correctness]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Use the exec (JSON array) form so the application receives signals:
#
#         CMD ["node", "server.js"]
#
#     When shell features are needed, end the string with `exec` so the
#     application replaces the shell: `CMD exec node server.js --port "$PORT"`.
#   examples:
#     bad: |
#       FROM node:20-alpine
#       CMD node server.js
#     good: |
#       FROM node:20-alpine
#       CMD ["node", "server.js"]
package hardline.rules.shell_form_entrypoint

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.image as img

deny contains r if {
	f := lib.final_stage
	not f.windows
	e := lib.final_exec
	e.form == "shell"
	s := shell_string(e)
	not lib.exec_replaces_shell(s)
	not lib.handles_signals(s)
	kind := which(f)
	r := {
		"msg": sprintf("%s: %s is in shell form, so %s runs as a child of %s and does not receive SIGTERM from docker stop; use the exec form (JSON array) or prefix the command with exec", [lib.stage_label(f.index), kind, first_program(s), shell_name(e)]),
		"location": e.location,
		"stage": e.stage,
		"key": kind,
	}
}

# Exec form that only starts a shell (`ENTRYPOINT ["/bin/sh", "-c", "/app"]`)
# has the same problem: the shell is PID 1.
deny contains r if {
	f := lib.final_stage
	not f.windows
	e := lib.final_exec
	e.form == "exec"
	s := lib.shell_c_string(e)
	not lib.exec_replaces_shell(s)
	not lib.handles_signals(s)
	kind := which(f)
	argv := lib.exec_argv(e)
	r := {
		"msg": sprintf("%s: %s is in exec form but runs %s, so %s runs as a child of %s and does not receive SIGTERM from docker stop; run the program directly in the JSON array or prefix the command string with exec", [lib.stage_label(f.index), kind, shell_prefix(argv), first_program(s), lib.basename(argv[0])]),
		"location": e.location,
		"stage": e.stage,
		"key": sprintf("%s:shell-c", [kind]),
	}
}

shell_prefix(argv) := concat(" ", array.slice(argv, 0, lib.dash_c_index(argv) + 1))

which(f) := "ENTRYPOINT" if is_object(f.runtime.entrypoint)

else := "CMD"

shell_string(e) := lib.str(lib.list(e.args)[0])

shell_name(e) := concat(" ", array.slice(argv, 0, count(argv) - 1)) if {
	argv := lib.exec_argv(e)
	count(argv) > 1
} else := "/bin/sh -c"

first_program(s) := p if {
	p := lib.main_program(s)
} else := "the command"

# --- images -------------------------------------------------------------------

# The container's PID 1 is a shell running a command string.
deny contains r if {
	img.is_image
	lower(input.image.os) != "windows"
	e := {"argv": img.exec_argv, "args": img.exec_argv}
	s := lib.shell_c_string(e)
	not lib.exec_replaces_shell(s)
	not lib.handles_signals(s)
	argv := img.exec_argv
	kind := image_which
	r := img.finding(
		sprintf("the image's %s runs %s, so %s runs as a child of %s and does not receive SIGTERM from docker stop; run the program directly (exec form) or prefix the command string with exec", [kind, shell_prefix(argv), first_program(s), lib.basename(argv[0])]),
		sprintf("%s:shell-c", [kind]),
		-1, image_history(kind), "",
	)
}

image_which := "Entrypoint" if input.exec.from_entrypoint == true

else := "Cmd"

image_history(kind) := h if {
	h := img.last_history(upper(kind), "")
} else := -1
