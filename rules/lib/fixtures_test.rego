# Test-only builders for facts documents shaped exactly like
# pkg/dockerfile.Document. Loaded by `opa test` only (a _test.rego file).
package hardline.lib.fixtures

loc(line) := {"start_line": line, "start_column": 1, "end_line": line, "end_column": 40}

# --- base images (baseimage.Info) -------------------------------------------

info(over) := object.union({"known": false}, over)

alpine := info({"known": true, "distro": "alpine", "family": "alpine", "libc": "musl", "package_manager": "apk", "shell": true, "entry": "alpine"})

debian := info({"known": true, "distro": "debian", "family": "debian", "libc": "glibc", "package_manager": "apt", "shell": true, "entry": "debian"})

ubuntu := info({"known": true, "distro": "ubuntu", "family": "debian", "libc": "glibc", "package_manager": "apt", "shell": true, "entry": "ubuntu"})

python_slim := info({"known": true, "distro": "debian", "family": "debian", "libc": "glibc", "package_manager": "apt", "shell": true, "runtime": "python", "entry": "python"})

python_alpine := info({"known": true, "distro": "alpine", "family": "alpine", "libc": "musl", "package_manager": "apk", "shell": true, "runtime": "python", "entry": "python-alpine"})

node_debian := info({"known": true, "distro": "debian", "family": "debian", "libc": "glibc", "package_manager": "apt", "shell": true, "runtime": "node", "entry": "node"})

node_alpine := info({"known": true, "distro": "alpine", "family": "alpine", "libc": "musl", "package_manager": "apk", "shell": true, "runtime": "node", "entry": "node-alpine"})

golang := info({"known": true, "distro": "debian", "family": "debian", "libc": "glibc", "package_manager": "apt", "shell": true, "runtime": "go", "entry": "golang"})

golang_alpine := info({"known": true, "distro": "alpine", "family": "alpine", "libc": "musl", "package_manager": "apk", "shell": true, "runtime": "go", "entry": "golang-alpine"})

rust := info({"known": true, "distro": "debian", "family": "debian", "libc": "glibc", "package_manager": "apt", "shell": true, "runtime": "rust", "entry": "rust"})

nginx_alpine := info({"known": true, "distro": "alpine", "family": "alpine", "libc": "musl", "package_manager": "apk", "shell": true, "entry": "nginx-alpine"})

distroless_nonroot := info({"known": true, "distro": "distroless", "family": "none", "libc": "glibc", "user": "65532", "shell": false, "entry": "distroless"})

scratch := info({"known": true, "distro": "scratch", "family": "none", "libc": "none", "shell": false, "entry": "scratch"})

windows := info({"known": true, "distro": "windows", "family": "windows", "entry": "windows"})

unknown := info({})

# --- FROM references (BaseRef) ----------------------------------------------

image_base(raw) := {
	"raw": raw,
	"resolved": raw,
	"unresolved": false,
	"scratch": raw == "scratch",
	"stage": -1,
	"ref": {"registry": "docker.io", "repository": sprintf("library/%s", [split(raw, ":")[0]]), "tag": tag(raw), "name": split(raw, ":")[0]},
}

tag(raw) := split(raw, ":")[1] if contains(raw, ":")

else := "latest"

stage_base(name, idx) := {"raw": name, "resolved": name, "unresolved": false, "scratch": false, "stage": idx}

# --- runtime ----------------------------------------------------------------

runtime(over) := object.union(
	{"user": null, "entrypoint": null, "cmd": null, "shell": ["/bin/sh", "-c"], "workdir": "/", "env": {}, "healthcheck": null, "expose": null},
	over,
)

# --- stages -----------------------------------------------------------------

# stage(index, name, line, base, image, instructions, runtime, chain, final_chain)
stage(i, name, line, base, img, instrs, rt, chain, in_final) := {
	"index": i,
	"name": name,
	"base": base,
	"location": loc(line),
	"is_final": false,
	"chain": chain,
	"in_final_chain": in_final,
	"depends_on": [],
	"needed_by_final": in_final,
	"image": img,
	"windows": object.get(img, "family", "") == "windows",
	"instructions": instrs,
	"instruction_index": instruction_index(instrs),
	"runtime": rt,
}

# instruction_index(instrs): Stage.instruction_index as the builder computes
# it (indexes of the instructions by keyword).
instruction_index(instrs) := {k: [i | some i, x in instrs; x.cmd == k] | some x in instrs; k := x.cmd}

# piped(cmds): Run.piped as the builder computes it (the commands that
# write into a pipe).
piped(cmds) := [i | some i, c in cmds; c.pipe_pos < c.pipe_len - 1]

# command_index(cmds): Run.command_index as the builder computes it (indexes
# of the commands by name).
command_index(cmds) := {n: [i | some i, c in cmds; c.name == n] | some c in cmds; n := c.name}

# doc(stages, secrets): the final stage is the last one.
doc(stages, secrets) := {
	"schema_version": "hardline.dockerfile/v1.3",
	"kind": "dockerfile",
	"file": "Dockerfile",
	"escape": "\\",
	"build_args": {},
	"global_args": [],
	"stages": [object.union(s, {"is_final": s.index == (count(stages) - 1)}) | some s in stages],
	"final_stage": count(stages) - 1,
	"secrets": secrets,
	"warnings": [],
}

# --- instructions -------------------------------------------------------------

instr(idx, cmd, line, args, extra) := object.union(
	{"index": idx, "cmd": cmd, "original": concat(" ", array.concat([upper(cmd)], args)), "location": loc(line), "args": args, "expanded": args},
	extra,
)

# command(argv): a shellcmd.Command for a literal argv.
command(argv) := command_at(argv, 1)

command_at(argv, line) := {
	"argv": argv,
	"text": concat(" ", argv),
	"name": regex.replace(argv[0], `.*/`, ""),
	"args": array.slice(argv, 1, count(argv)),
	"pipeline": 0,
	"pipe_pos": 0,
	"pipe_len": 1,
	"line": line,
	"conditional": false,
}

op(manager, action, pkgs, cmd_idx) := {"manager": manager, "action": action, "packages": pkgs, "specs": pkgs, "command": cmd_idx}

run(idx, line, script, cmds, ops) := instr(idx, "run", line, [script], {
	"form": "shell",
	"run": {"script": script, "commands": cmds, "command_index": command_index(cmds), "piped": piped(cmds), "packages": ops, "urls": urls(script, cmds)},
})

run_x(idx, line, script, cmds, ops, run_extra) := instr(idx, "run", line, [script], {
	"form": "shell",
	"run": object.union({"script": script, "commands": cmds, "command_index": command_index(cmds), "piped": piped(cmds), "packages": ops, "urls": urls(script, cmds)}, run_extra),
})

# windows_stage(s): the stage with the builder's windows fact set (for
# Windows detection other than by the base image family).
windows_stage(s) := object.union(s, {"windows": true})

# urls(script, cmds): Run.urls as the builder derives it (runURLs in
# pkg/dockerfile/derived.go): URLs of the argv words, plus the URLs of the raw
# script that are not just the unexpanded form of one of those.
url_pattern := `(?i)[a-z][a-z0-9+.-]*://[^\s"'|;&)<>]+`

urls(script, cmds) := sort(command_urls(cmds) | {u |
	some u in regex.find_n(url_pattern, script, -1)
	not expanded_elsewhere(u, command_urls(cmds))
})

command_urls(cmds) := {u |
	some c in cmds
	some w in c.argv
	some u in regex.find_n(url_pattern, w, -1)
}

expanded_elsewhere(u, known) if u in known

expanded_elsewhere(u, known) if {
	contains(u, "$")
	pattern := regex.replace(u, `\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*`, "*")
	some k in known
	glob.match(pattern, null, k)
}

copy(idx, line, sources, dest, from, from_stage) := instr(idx, "copy", line, array.concat(sources, [dest]), {
	"flags": flags_from(from),
	"copy": {"sources": sources, "dest": dest, "from": from, "from_stage": from_stage},
})

add(idx, line, sources, dest) := instr(idx, "add", line, array.concat(sources, [dest]), {"copy": {"sources": sources, "dest": dest, "from_stage": -1}})

flags_from(from) := [] if from == ""

else := [sprintf("--from=%s", [from])]

user(idx, line, value) := instr(idx, "user", line, [value], {"user": user_spec(value)})

user_spec(value) := {"raw": value, "value": value, "user": split(value, ":")[0], "unresolved": false}

eff_user(value, st, line) := object.union(user_spec(value), {"stage": st, "location": loc(line)})

# exec_form(argv, stage, line): an Exec in exec form.
exec_form(argv, st, line) := {"form": "exec", "args": argv, "argv": argv, "stage": st, "location": loc(line)}

shell_form(s, st, line) := {"form": "shell", "args": [s], "argv": ["/bin/sh", "-c", s], "stage": st, "location": loc(line)}

exec_instr(idx, cmd, e) := instr(idx, cmd, e.location.start_line, e.args, {"form": e.form, "exec": e})

arg(idx, line, name, value, has_default, extra) := instr(idx, "arg", line, [name], {"arg": [object.union(
	{"name": name, "has_default": has_default, "value": value, "defined": value != "", "overridden": false, "location": loc(line)},
	extra,
)]})

env(idx, line, key, raw, value) := instr(idx, "env", line, [sprintf("%s=%s", [key, raw])], {"env": [{"key": key, "raw": raw, "value": value}]})

secret(source, st, line, key) := {
	"rule": "generic-assignment",
	"description": "Generic password assignment",
	"masked": "Xk9$…(16 chars)",
	"fingerprint": "0123456789abcdef",
	"line": 1,
	"column": 1,
	"key": key,
	"confidence": "medium",
	"source": source,
	"stage": st,
	"location": loc(line),
	"instruction": 0,
}
