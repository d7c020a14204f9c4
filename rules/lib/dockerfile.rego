# METADATA
# title: hardline Dockerfile helpers
# description: |
#   Shared helpers for the rules in hardline.rules.*: final-chain stages and
#   instructions, package-manager operations, command lookups, ENTRYPOINT/CMD
#   analysis, image-reference and location helpers. Rules put their common
#   logic here so that every rule sees the final image the same way.
package hardline.lib.dockerfile

# ---------------------------------------------------------------------------
# Generic helpers
# ---------------------------------------------------------------------------

# list(x) is x when it is an array, else [] (Go nil slices are null in JSON).
list(x) := x if is_array(x)

else := []

# obj(x) is x when it is an object, else {}.
obj(x) := x if is_object(x)

else := {}

# str(x) is x when it is a string, else "".
str(x) := x if is_string(x)

else := ""

# basename of a path ("dist/" -> "dist", "/usr/bin/tini" -> "tini").
basename(p) := b if {
	t := trim_right(p, "/")
	parts := split(t, "/")
	b := parts[count(parts) - 1]
}

# strip_quotes removes surrounding shell quotes from a word.
strip_quotes(w) := trim(w, "\"'")

# joined(arr) joins with ", " after sorting (stable messages and keys).
joined(arr) := concat(", ", sort(arr))

# redact_url removes userinfo and query strings from URLs so that messages
# never echo credentials embedded in a URL.
redact_url(u) := r if {
	a := regex.replace(u, `(?i)([a-z][a-z0-9+.-]*://)[^/@\s]*@`, "${1}***@")
	r := regex.replace(a, `[?#].*$`, "")
}

# ---------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------

final_stage := input.stages[input.final_stage]

# stage_label(idx) names a stage for messages: `stage 1 ("builder")`.
stage_label(idx) := sprintf("stage %d (%q)", [idx, s.name]) if {
	s := input.stages[idx]
	s.name != ""
}

else := sprintf("stage %d", [idx])

# root_stage(s) is the first stage of s's chain (the one with the image FROM).
root_stage(s) := input.stages[s.chain[0]] if count(list(s.chain)) > 0

else := s

# base_image_name(s) is the reference of the root base image of s's chain,
# as resolved (e.g. "python:3.12-slim"), for messages.
base_image_name(s) := n if {
	r := root_stage(s)
	n := image_ref_text(r.base)
}

image_ref_text(base) := "scratch" if base.scratch

else := base.resolved if base.resolved != ""

else := base.raw

# Indexes of the stages whose filesystem and configuration the final image
# inherits (the final stage's chain).
final_chain contains s.index if {
	some s in input.stages
	s.in_final_chain
}

# Instructions of the final chain as {"stage": index, "instr": instruction}.
# ONBUILD triggers are not part of the image's own build and are excluded
# (their cmd is "onbuild").
final_instructions contains {"stage": s.index, "instr": instr} if {
	some s in input.stages
	s.in_final_chain
	some instr in list(s.instructions)
	instr.cmd != "onbuild"
}

# RUN instructions of the final chain that have typed run facts (the
# elements of final_instructions that are RUNs, looked up through the
# stages' instruction_index).
final_runs contains {"stage": s.index, "instr": instr} if {
	some s in input.stages
	s.in_final_chain
	some i in s.instruction_index.run
	instr := s.instructions[i]
	is_object(instr.run)
}

# COPY and ADD instructions of the final chain with typed copy facts.
final_copies contains {"stage": s.index, "instr": instr} if {
	some s in input.stages
	s.in_final_chain
	some k in ["copy", "add"]
	some i in s.instruction_index[k]
	instr := s.instructions[i]
	is_object(instr.copy)
}

# Summaries of the final chain that several rules look up. Like every rule
# without arguments they are computed at most once per document (OPA caches
# them per query; it does not cache function calls).

# final_command_names: names of the commands run by the RUNs of the final
# chain.
final_command_names := {n |
	some x in final_runs
	some n, _ in x.instr.run.command_index
}

# final_installed_packages: packages installed by system package managers in
# the RUNs of the final chain.
final_installed_packages := {p |
	some x in final_runs
	some p in installed_packages(x.instr.run)
}

# final_urls: URLs mentioned by the RUNs of the final chain (run.urls).
final_urls := {u |
	some x in final_runs
	some u in list(x.instr.run.urls)
}

# final_copy_basenames: base names of the sources and destinations of the
# COPY and ADD instructions of the final chain.
final_copy_basenames := {basename(p) |
	some x in final_copies
	some p in array.concat(list(x.instr.copy.sources), [str(x.instr.copy.dest)])
}

# stage_runs(s): RUN instructions of stage s itself (not its ancestors).
stage_runs(s) := [instr |
	some i in s.instruction_index.run
	instr := s.instructions[i]
	is_object(instr.run)
]

# chain_runs(s): RUN instructions of s and of the stages it inherits from.
chain_runs(s) := [instr |
	some i in list(s.chain)
	some instr in stage_runs(input.stages[i])
]

# ---------------------------------------------------------------------------
# Commands and package operations
#
# Facts computed once by the builder (see pkg/dockerfile/document.go) take
# the place of helpers that rules would otherwise recompute per call:
# stage.windows (the stage builds a Windows image) and run.urls (the URLs a
# RUN mentions, expanded and raw).
# ---------------------------------------------------------------------------

system_managers := {"apk", "apt", "yum", "dnf", "microdnf", "tdnf", "zypper"}

# commands(run): the simple commands of a RUN.
commands(run) := list(run.commands)

# packages(run): the package-manager operations of a RUN.
packages(run) := list(run.packages)

# system_install_ops(run): install operations of system package managers.
system_install_ops(run) := [op |
	some op in packages(run)
	op.action == "install"
	op.manager in system_managers
]

# installed_packages(run): names installed by system package managers.
installed_packages(run) := {p |
	some op in system_install_ops(run)
	some p in list(op.packages)
}

# command_conditional(run, idx): the command only runs on some branch.
command_conditional(run, idx) if {
	c := commands(run)[idx]
	c.conditional == true
}

# is_url(s): a COPY/ADD source that is a remote URL or git reference.
is_url(s) if regex.match(`(?i)^[a-z][a-z0-9+.-]*://`, s)

is_url(s) if startswith(s, "git@")

# ---------------------------------------------------------------------------
# Build arguments
# ---------------------------------------------------------------------------

# sensitive_arg_name(d): the ARG name looks like it carries a credential.
# Uses the facts' sensitive_name when present, else a conservative pattern.
sensitive_arg_name(d) if d.sensitive_name == true

sensitive_arg_name(d) if {
	not is_boolean(object.get(d, "sensitive_name", null))
	n := lower(d.name)
	regex.match(`(passw(or)?d|passwd|secret|token|api_?key|apikey|access_?key|private_?key|credential|auth_?key|_pat$|^pat$)`, n)
	not regex.match(`(_file|_path|_dir|_url|_uri|_endpoint|_host|_user|_username|_name|_type|_enabled|_length|_ttl|_version)$`, n)
}

# ---------------------------------------------------------------------------
# ENTRYPOINT / CMD analysis
# ---------------------------------------------------------------------------

shells := {"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"}

init_programs := {
	"tini", "tini-static", "dumb-init", "catatonit", "docker-init",
	"s6-svscan", "s6-supervise", "runit", "runsvdir", "runit-init",
	"supervisord", "systemd", "init", "my_init", "s6-overlay-suexec",
	"pid1", "tini-static-amd64", "tini-static-arm64", "tini-amd64", "tini-arm64",
}

# is_init(word): the program is an init / process supervisor.
is_init(word) if basename(strip_quotes(word)) in init_programs

is_init(word) if regex.match(`^tini(-static)?(-[a-z0-9]+)?$`, basename(strip_quotes(word)))

# Words that only prefix the real program in a shell string.
prefix_word(w) if w in {"exec", "env", "nohup", "command", "time", "sudo", "--"}

prefix_word(w) if regex.match(`^[A-Za-z_][A-Za-z0-9_]*=`, w)

# strip_prefix(words) drops leading exec/env/VAR=value words.
strip_prefix(words) := array.slice(words, n, count(words)) if {
	n := min({i | some i, w in words; not prefix_word(w)})
}

else := []

# shell_words(s): whitespace-split words of a shell string, unquoted.
shell_words(s) := [strip_quotes(w) |
	some w in regex.split(`\s+`, trim_space(s))
	strip_quotes(w) != ""
]

# shell_segments(s): the simple commands of a shell string (split on
# && || ; | and newlines), each as a word list with exec/env prefixes removed.
shell_segments(s) := [seg |
	some part in regex.split(`\s*(&&|\|\||;|\||\n)\s*`, s)
	seg := strip_prefix(shell_words(part))
	count(seg) > 0
]

# dash_c_index(argv): index of the -c option of a shell argv.
dash_c_index(argv) := min({i |
	some i, a in argv
	i > 0
	regex.match(`^-[a-zA-Z]*c[a-zA-Z]*$`, a)
})

# is_shell_c(argv): argv is `sh -c "string"` (any shell, any -xc/-ec...).
is_shell_c(argv) if {
	count(argv) > 0
	basename(argv[0]) in shells
	i := dash_c_index(argv)
	i + 1 < count(argv)
}

# shell_c_string(e): the command string of an exec whose argv is a shell
# with -c (shell form, or exec form such as ["/bin/sh", "-c", "..."]).
shell_c_string(e) := argv[dash_c_index(argv) + 1] if {
	argv := exec_argv(e)
	is_shell_c(argv)
}

# exec_replaces_shell(s): the shell string hands PID 1 over to the program:
# it starts with `exec`, or its last simple command does
# (`cd /app && exec node server.js`).
exec_replaces_shell(s) if regex.match(`^exec\s`, trim_space(s))

exec_replaces_shell(s) if {
	parts := regex.split(`\s*(&&|\|\||;|\||\n)\s*`, trim_space(s))
	regex.match(`^exec\s`, parts[count(parts) - 1])
}

# handles_signals(s): the shell string installs a trap, a deliberate
# signal-forwarding wrapper.
handles_signals(s) if regex.match(`(^|[;&|\s])trap\s`, s)

# invocations(argv): the commands an exec argv starts, as word lists: the
# argv itself, or for `sh -c "..."` each simple command of the string.
invocations(argv) := [strip_prefix(argv)] if not is_shell_c(argv)

else := shell_segments(argv[dash_c_index(argv) + 1])

# exec_argv(e): the argv a CMD/ENTRYPOINT runs (shell form includes SHELL).
exec_argv(e) := list(e.argv) if count(list(e.argv)) > 0

else := list(e.args)

# effective_exec(s): what the container starts for stage s: the ENTRYPOINT
# when set in the chain, else CMD; undefined when neither is set.
effective_exec(s) := s.runtime.entrypoint if is_object(s.runtime.entrypoint)

else := s.runtime.cmd if is_object(s.runtime.cmd)

# exec_starts_init(e): the exec is started by an init, directly or through a
# shell wrapper (`sh -c "exec tini -- app"`).
exec_starts_init(e) if {
	some inv in invocations(exec_argv(e))
	count(inv) > 0
	is_init(inv[0])
}

# after_init(inv): the program an init invocation starts (first word after
# `--`, else the first non-option).
after_init(inv) := p if {
	some i, w in inv
	w == "--"
	i + 1 < count(inv)
	p := inv[i + 1]
} else := p if {
	rest := array.slice(inv, 1, count(inv))
	n := min({i | some i, w in rest; not startswith(w, "-")})
	p := rest[n]
}

# invocation_program(inv): the program an invocation is about, following
# inits and `sh script.sh`.
invocation_program(inv) := basename(inv[0]) if basename(inv[0]) in supervisors

else := basename(after_init(inv)) if is_init(inv[0])

else := basename(inv[n]) if {
	basename(inv[0]) in shells
	rest := array.slice(inv, 1, count(inv))
	n := min({i | some i, w in rest; not startswith(w, "-")}) + 1
}

else := basename(inv[0])

# exec_programs(e): the programs (base names) an exec starts.
exec_programs(e) := {p |
	some inv in invocations(exec_argv(e))
	count(inv) > 0
	p := invocation_program(inv)
}

# image_programs(s): programs started by the ENTRYPOINT and CMD of stage s.
image_programs(s) := entrypoint_programs(s) | cmd_programs(s)

entrypoint_programs(s) := exec_programs(s.runtime.entrypoint) if is_object(s.runtime.entrypoint)

else := set()

cmd_programs(s) := exec_programs(s.runtime.cmd) if is_object(s.runtime.cmd)

else := set()

# The same for the final image, computed once per document (rules without
# arguments are evaluated once per query, functions on every call).

# final_exec: effective_exec(final_stage); undefined when neither ENTRYPOINT
# nor CMD is set.
final_exec := effective_exec(final_stage)

# final_exec_programs: exec_programs(final_exec).
final_exec_programs := exec_programs(final_exec)

# final_image_programs: image_programs(final_stage).
final_image_programs := image_programs(final_stage)

# Base images whose own ENTRYPOINT is an init, inherited by an image that
# sets no ENTRYPOINT of its own (its CMD then runs under that init). Keyed by
# a glob on the familiar name of the root base image (base.ref.name); the
# knowledge entries of the same images are in pkg/baseimage/knowledge.yaml.
#   LinuxServer.io: ENTRYPOINT ["/init"], s6-overlay, which also starts each
#     service under the unprivileged abc user (PUID/PGID).
#   Jupyter Docker Stacks: ENTRYPOINT ["tini", "-g", "--", "start.sh"].
init_entrypoint_images := {
	"linuxserver/*": {"init": "s6-overlay /init", "drops_privileges": true},
	"lscr.io/linuxserver/*": {"init": "s6-overlay /init", "drops_privileges": true},
	"ghcr.io/linuxserver/*": {"init": "s6-overlay /init", "drops_privileges": true},
	"jupyter/*-notebook": {"init": "tini", "drops_privileges": false},
	"jupyter/docker-stacks-foundation": {"init": "tini", "drops_privileges": false},
	"quay.io/jupyter/*-notebook": {"init": "tini", "drops_privileges": false},
	"quay.io/jupyter/docker-stacks-foundation": {"init": "tini", "drops_privileges": false},
}

# inherited_init(s): what the base image's init ENTRYPOINT is, when stage s
# inherits it (no ENTRYPOINT in s's chain); undefined otherwise.
inherited_init(s) := v if {
	not is_object(s.runtime.entrypoint)
	name := lower(str(root_stage(s).base.ref.name))
	name != ""
	vs := [v |
		some pattern, v in init_entrypoint_images
		glob.match(pattern, ["/"], name)
	]
	count(vs) > 0
	v := vs[0]
}

# final_inherited_init: inherited_init(final_stage).
final_inherited_init := inherited_init(final_stage)

# Process supervisors start services from configuration, not from argv.
supervisors := {"supervisord", "s6-svscan", "s6-supervise", "runsvdir", "runit", "runit-init", "systemd", "init", "my_init"}

# opaque_program(p): what really runs cannot be known from the Dockerfile
# (a wrapper script, a supervisor, an interactive shell).
opaque_program(p) if is_script(p)

opaque_program(p) if p in supervisors

opaque_program(p) if p in shells

# is_script(p): the program is an opaque wrapper script.
is_script(p) if endswith(p, ".sh")

is_script(p) if regex.match(`(?i)^(docker-)?(entrypoint|entry|start|run|boot|init|launch|startup)([-_.].*)?$`, p)

# ---------------------------------------------------------------------------
# Secrets
# ---------------------------------------------------------------------------

# secrets_from(sources): the detected secrets whose source is in sources.
# Image documents (input.kind == "image") have secrets of their own, with
# other sources and no Dockerfile location; rules/lib/image.rego reads those.
secrets_from(sources) := [s |
	not input.kind == "image"
	some s in list(input.secrets)
	s.source in sources
]

# secret_where(s): "ENV DB_PASSWORD in stage 1" style description.
secret_where(s) := sprintf("%s %s in %s", [upper(s.source), s.key, secret_stage(s)]) if {
	str(s.key) != ""
} else := sprintf("%s in %s", [upper(s.source), secret_stage(s)])

secret_stage(s) := "the global scope" if s.stage < 0

else := stage_label(s.stage)

# ---------------------------------------------------------------------------
# File kinds
# ---------------------------------------------------------------------------

# dev_environment: the Dockerfile builds a development environment (a VS Code
# dev container or a Dockerfile.dev), where toolchains are the point.
dev_environment if dev_file(str(input.file))

# dev_file(f): f names a development-environment Dockerfile (also used for
# the Dockerfile an image was correlated with).
dev_file(f) if regex.match(`(^|/)\.devcontainer/`, f)

dev_file(f) if regex.match(`(?i)(^|/)(dockerfile[.-]dev(el)?|dev\.dockerfile|[^/]*\.dev\.dockerfile)$`, f)

# Shell builtins and set-up commands that precede the real program.
setup_commands := {"set", "cd", "export", "source", ".", "umask", "ulimit", "trap", "echo", "printf", "mkdir", "[", "test", "true", ":", "unset", "sleep", "chown", "chmod", "rm", "cp", "mv", "touch"}

# main_program(s): the program a shell string is about: the last command that
# is not a setup builtin (`cd /app && npm start` -> npm).
main_program(s) := basename(progs[count(progs) - 1]) if {
	progs := [seg[0] |
		some seg in shell_segments(s)
		not basename(seg[0]) in setup_commands
	]
	count(progs) > 0
}

# ---------------------------------------------------------------------------
# Build toolchain packages
#
# Shared by the Dockerfile branch (package names installed by RUN) and the
# image branch (packages of the apk/dpkg database) of HL1002.
# ---------------------------------------------------------------------------

toolchain_packages := {
	"gcc", "g++", "cc", "c++", "clang", "llvm", "make", "cmake", "autoconf",
	"automake", "libtool", "pkgconf", "pkg-config", "pkgconfig", "build-base",
	"build-essential", "linux-headers", "kernel-headers", "kernel-devel",
	"musl-dev", "libc-dev", "libc6-dev", "gfortran", "binutils", "gcc-c++",
	"go", "golang", "golang-go", "rust", "rustc", "cargo",
	"development tools", "development-tools", "development", "c-development",
}

# build_dep_package(p): the package name (as written: any case, surrounding
# space, a leading @ of dnf groups) is a build toolchain package: a compiler,
# build tool, headers or a -dev/-devel package.
build_dep_package(p) if build_dep_name(normal_package_name(p))

build_dep_name(n) if n in toolchain_packages

# Versioned compilers (gcc-12, clang15), versioned Go packages (golang-1.21,
# golang-1.21-go), kernel headers (linux-headers-6.1) and -dev/-devel
# packages.
build_dep_name(n) if regex.match(`^(?:(gcc|g\+\+|clang|llvm|gfortran|cpp)-?[0-9][0-9.]*|golang-[0-9.]+(-go)?|(linux-headers|kernel-headers|kernel-devel)-.+|[a-z0-9][a-z0-9+._-]*-(dev|devel))$`, n)

normal_package_name(p) := trim_left(lower(trim_space(p)), "@")
