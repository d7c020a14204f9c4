# METADATA
# title: RUN pipes commands without pipefail
# description: |
#   A shell pipeline's exit status is that of its last command: in
#   `RUN curl -fsSL https://x/tool.tgz | tar -xz` a failed download still
#   lets the step succeed as long as `tar` does, and the image is built
#   without the tool, or with whatever error page was served. `set -o
#   pipefail` (or a SHELL that enables it) makes the pipeline fail when any
#   of its commands fails.
#
#   hardline reports a shell-form RUN (heredocs included) with a pipeline
#   when pipefail is not enabled before it, neither by the SHELL in force
#   (`SHELL ["/bin/bash", "-o", "pipefail", "-c"]`) nor by a `set -o pipefail`
#   (or `set -eo pipefail`, ...) earlier in the same RUN. This is hadolint's
#   DL4006, with two refinements: pipelines whose upstream commands cannot
#   fail in a way that matters (`echo`, `printf`, `yes`, `true`) are not
#   reported, and neither are RUNs under a shell without pipefail that was
#   chosen explicitly (dash) or a non-POSIX shell (PowerShell, cmd). Exec-form
#   RUN runs no shell, so it has no pipeline. Every stage is checked:
#   a builder that silently fails produces a broken final image.
#
#   Off by default: a third of real Dockerfiles pipe without pipefail,
#   including the official images, whose Debian /bin/sh (dash) has no
#   pipefail, in idioms such as `find ... | xargs ... | apt-mark` where an
#   upstream failure is unlikely to matter.
# custom:
#   id: HL1054
#   name: pipe-without-pipefail
#   severity: low
#   enabled: false
#   tags: [correctness, supply-chain]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Enable pipefail for the RUNs that pipe: on Debian/Ubuntu (whose
#     /bin/sh, dash, has no pipefail) set
#     `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before them; on Alpine
#     (BusyBox ash) start the RUN with `set -o pipefail &&`, or set
#     `SHELL ["/bin/ash", "-eo", "pipefail", "-c"]`.
#   examples:
#     bad: |
#       FROM debian:bookworm-slim
#       RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
#     good: |
#       FROM debian:bookworm-slim
#       SHELL ["/bin/bash", "-o", "pipefail", "-c"]
#       RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
package hardline.rules.pipe_without_pipefail

import data.hardline.lib.dockerfile as lib

# Upstream commands whose failure a pipeline can ignore without harm.
harmless_upstream := {"echo", "printf", "yes", "true", ":"}

# Shells that are POSIX but have no pipefail option: naming one explicitly
# is a choice the rule respects.
no_pipefail_shells := {"dash"}

posix_shells := {"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"}

deny contains r if {
	input.kind == "dockerfile"
	some s in input.stages
	not s.windows
	some k in s.instruction_index.run
	instr := s.instructions[k]
	run := instr.run
	is_object(run)
	shell := lib.list(object.get(run, "shell", []))
	count(shell) > 0
	shell_name := lib.basename(shell[0])
	shell_name in posix_shells
	not shell_name in no_pipefail_shells
	not sets_pipefail(shell)
	cmds := lib.list(run.commands)
	bad := [i | some i in run.piped; masked(run, i, cmds[i])]
	count(bad) > 0
	c := cmds[bad[0]]
	last := pipe_end(cmds, c.pipeline)
	r := {
		"msg": sprintf("%s: RUN pipes %s into %s without pipefail, so a failure of %s is ignored and the step succeeds as long as %s does; enable pipefail (set -o pipefail, or a SHELL with -o pipefail)", [lib.stage_label(s.index), c.name, last, c.name, last]),
		"location": instr.location,
		"stage": s.index,
		"key": "pipe",
	}
}

# masked(run, i, c): command c (the i-th of the RUN) feeds a pipe and its
# failure would be hidden.
masked(run, i, c) if {
	c.pipe_len > 1
	c.pipe_pos < c.pipe_len - 1
	not c.name in harmless_upstream
	not pipefail_before(run, i)
}

# sets_pipefail(argv): an option list such as ["-o", "pipefail"] or
# ["-euxo", "pipefail"] enables pipefail.
sets_pipefail(argv) if {
	some i, a in argv
	a == "pipefail"
	i > 0
	regex.match(`^-[A-Za-z]*o$`, argv[i - 1])
}

# pipefail_before(run, i): a `set` with pipefail runs before command i.
pipefail_before(run, i) if {
	some j in run.command_index.set
	j < i
	sets_pipefail(array.concat(["set"], lib.list(run.commands[j].args)))
}

# pipe_end(cmds, p): the name of the (first) command in the last position
# of pipeline p; a compound last element such as `(cd /; sh)` has several.
pipe_end(cmds, p) := names[0] if {
	names := [c.name | some c in cmds; c.pipeline == p; c.pipe_pos == c.pipe_len - 1]
	count(names) > 0
} else := "the last command"
