# METADATA
# title: Container does not start an init process
# description: |
#   The program started by ENTRYPOINT/CMD runs as PID 1. The kernel gives PID 1
#   no default signal handlers, so an application that does not install its own
#   ignores SIGTERM and is killed after the stop timeout, and PID 1 must reap
#   orphaned child processes or they pile up as zombies. A minimal init such as
#   tini or dumb-init forwards signals and reaps children.
# custom:
#   id: HL1004
#   name: no-init
#   severity: medium
#   tags: [init]
#   inputs: [dockerfile]
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
