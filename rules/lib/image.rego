# METADATA
# title: hardline image helpers
# description: |
#   Shared helpers for the image branches of the rules in hardline.rules.*:
#   they read the image facts document (input.kind == "image", built from
#   pkg/image.Document) and build deny elements that point at a layer, a
#   history entry and a path instead of a Dockerfile location. Summaries of
#   long lists (ELF files, world-writable paths) are computed here once per
#   document, without comprehensions that are quadratic in those lists.
package hardline.lib.image

import data.hardline.lib.dockerfile as lib

# is_image: the input is an image document. Every image branch of a rule
# starts with it, so that no image branch fires on a Dockerfile document
# (those have no kind "image"), and the Dockerfile branches read
# input.stages, which image documents do not have.
is_image if input.kind == "image"

# windows: the image configuration says the image is a Windows image.
windows if lower(lib.str(input.image.os)) == "windows"

# ---------------------------------------------------------------------------
# Layers, history and deny elements
# ---------------------------------------------------------------------------

# layer_history(l): the history entry that created layer l; undefined when
# the layer is unknown (-1) or has no aligned history entry.
layer_history(l) := h if {
	l >= 0
	h := input.layers[l].history
	h >= 0
}

# history_layer(h): the layer history entry h created; undefined for empty
# layers (ENV, CMD ...) and unknown entries.
history_layer(h) := l if {
	h >= 0
	l := input.history[h].layer
	l >= 0
}

# layer_name(l): "layer 3", for messages.
layer_name(l) := sprintf("layer %d", [l]) if l >= 0

else := "an unknown layer"

# finding(msg, key, layer, history, path): an image deny element. layer and
# history are given when known (>= 0): a missing history is taken from the
# layer (the entry that created it) and a missing layer from the history
# entry (when it created one). path is given when not "".
finding(msg, key, layer, history, path) := object.union_n([
	{"msg": msg, "key": key},
	layer_field(layer, history),
	history_field(layer, history),
	path_field(path),
])

layer_field(l, _) := {"layer": l} if l >= 0

layer_field(l, h) := {"layer": hl} if {
	l < 0
	hl := history_layer(h)
}

layer_field(l, h) := {} if {
	l < 0
	not history_layer(h)
}

history_field(_, h) := {"history": h} if h >= 0

history_field(l, h) := {"history": lh} if {
	h < 0
	lh := layer_history(l)
}

history_field(l, h) := {} if {
	h < 0
	not layer_history(l)
}

path_field(p) := {"path": p} if p != ""

else := {}

# last_history(instruction, name): the index of the last history entry made
# by that Dockerfile instruction (USER, ENV, LABEL, CMD ...) whose
# created_by mentions name as a word ("" matches any entry); undefined when
# there is none.
last_history(instruction, name) := max(hs) if {
	hs := {h.index |
		some h in lib.list(input.history)
		upper(lib.str(h.instruction)) == instruction
		mentions(lib.str(h.created_by), name)
	}
	count(hs) > 0
}

mentions(_, "") := true

mentions(text, name) if {
	name != ""
	regex.match(sprintf(`(^|[^A-Za-z0-9_])%s([^A-Za-z0-9_]|$)`, [regex_quote(name)]), text)
}

# regex_quote(s): s with the regular-expression metacharacters escaped.
regex_quote(s) := regex.replace(s, `([\\.+*?()|\[\]{}^$])`, `\${1}`)

# ---------------------------------------------------------------------------
# Paths and lists
# ---------------------------------------------------------------------------

# dirname("/usr/lib/x.so") = "/usr/lib"; dirname("/x") = "/".
dirname(p) := d if {
	t := regex.replace(p, `/[^/]*$`, "")
	d := root_if_empty(t)
}

root_if_empty("") := "/"

root_if_empty(s) := s if s != ""

# more(total, shown): " and 7 more" when a list was cut.
more(total, shown) := "" if total <= shown

else := sprintf(" and %d more", [total - shown])

# head(arr, n): the first n elements.
head(arr, n) := array.slice(arr, 0, n)

# group_by_first(rows): rows are arrays whose first element is a group key;
# returns one {"group": key, "rows": rows of that group, sorted} per key, in
# key order. Sorting and cutting at the boundaries keeps this O(n log n)
# where a comprehension per key would be O(n * keys). (No helper function
# takes the rows as an argument inside the loops: that would cost O(n) per
# call.)
group_by_first(rows) := [{"group": s[st][0], "rows": array.slice(s, st, ends[j])} |
	s := sort(rows)
	starts := sort({i | some i, r in s; i == 0} | {i | some i, r in s; i > 0; s[i - 1][0] != r[0]})
	ends := array.concat(array.slice(starts, 1, count(starts)), [count(s)])
	some j, st in starts
]

# ---------------------------------------------------------------------------
# Programs and what the container starts
# ---------------------------------------------------------------------------

programs := lib.obj(input.programs)

# program_paths(name): where a well-known program is, sorted by path.
program_paths(name) := sort_by_path(lib.list(object.get(programs, name, [])))

sort_by_path(ps) := [p | some r in sort([[x.path, x] | some x in ps]); p := r[1]]

has_program(name) if count(program_paths(name)) > 0

# present(names): the names of the set that are in the image.
present(names) := {n | some n in names; has_program(n)}

# busybox_files: /bin/busybox and what its applets resolve to.
busybox_files := {f |
	some p in program_paths("busybox")
	some f in {p.path, object.get(p, "target", p.path)}
}

# present_standalone(names): the names of the set that are in the image as
# programs of their own, not only as BusyBox applets (BusyBox images link
# setpriv, chpst, setuidgid ... to /bin/busybox).
present_standalone(names) := {n |
	some n in names
	some p in program_paths(n)
	not object.get(p, "target", p.path) in busybox_files
}

# paths_text(names): "npm (/usr/local/bin/npm), yarn (/opt/yarn/bin/yarn,
# /usr/local/bin/yarn)" for the present programs of names.
paths_text(names) := concat(", ", [sprintf("%s (%s)", [n, concat(", ", [p.path | some p in program_paths(n)])]) |
	some n in sort(present(names))
])

# paths_only(names): "/usr/bin/node, /usr/bin/nodejs": the paths of the
# present programs of names, sorted.
paths_only(names) := concat(", ", sort({p.path |
	some n in names
	some p in program_paths(n)
}))

# earliest_program_path(names): {"path", "layer"} of the present programs of
# names in the lowest layer (the one that brought them), by path within it;
# {"path": "", "layer": -1} when none is present.
earliest_program_path(names) := ps[0][2] if {
	ps := sort([[p.layer, p.path, p] |
		some n in names
		some p in program_paths(n)
	])
	count(ps) > 0
} else := {"layer": -1, "path": ""}

# exec_argv: what the container starts (Entrypoint + Cmd).
exec_argv := lib.list(input.exec.argv)

# exec: exec_argv shaped like a Dockerfile exec fact, for the lib helpers
# (invocations, exec_starts_init, exec_programs ...).
exec := {"argv": exec_argv, "args": exec_argv}

# exec_which: which configuration setting provides argv[0].
exec_which := "ENTRYPOINT" if input.exec.from_entrypoint == true

else := "CMD"

# exec_names: base names of argv[0] as written and where it was found
# (through the config PATH).
exec_names := {lib.basename(p) |
	some p in [lib.str(input.exec.program), lib.str(input.exec.path)]
	p != ""
}

# exec_programs: the programs (base names) the exec starts, following
# inits and `sh -c` strings (see lib.exec_programs).
exec_programs := lib.exec_programs(exec) if count(exec_argv) > 0

else := set()

# exec_words: the base names of every word of the exec argv, including the
# words of `sh -c` strings.
exec_words := {lib.basename(w) |
	some a in exec_argv
	some w in lib.shell_words(a)
}

# exec_supervisor: PID 1 is a process supervisor that starts services under
# their own users (s6-overlay /init, supervisord, runit ...).
exec_supervisor if {
	some p in exec_started
	p in lib.supervisors
}

# exec_started: exec_names and exec_programs.
exec_started := exec_names | exec_programs

# exec_script: the started program is a wrapper script: by name, or an
# executable whose #! names a shell.
exec_script if {
	some p in exec_started
	lib.is_script(p)
}

exec_script if {
	input.exec.kind == "script"
	shell_interpreter(lib.str(input.exec.interpreter))
}

# shell_interpreter(i): a #! interpreter that is a shell: /bin/sh,
# "/usr/bin/env bash", or a bare /usr/bin/env whose program is not recorded.
shell_interpreter(i) if {
	words := lib.shell_words(i)
	count(words) > 0
	lib.basename(words[0]) in lib.shells
}

shell_interpreter(i) if {
	words := [w | some w in lib.shell_words(i); not startswith(w, "-")]
	lib.basename(words[0]) == "env"
	env_shell(words)
}

env_shell(words) if count(words) == 1

env_shell(words) if lib.basename(words[1]) in lib.shells

# ---------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------

package_manager := lib.str(input.packages.manager)

packages := lib.list(input.packages.list)

# dependency_names(d): the package names one Depends entry can be satisfied
# by: "gcc>=12", "cmd:make", "libc6 (>= 2.36)", "a | b", "libc6:amd64".
# apk's so: and pc: provides name no package.
dependency_names(d) := {n |
	some alt in split(d, "|")
	w := trim_left(trim_space(alt), "!")
	not regex.match(`^(so|pc):`, w)
	name := regex.replace(trim_prefix(w, "cmd:"), `[\s(<>=~:].*$`, "")
	n := lower(name)
	n != ""
}

# ---------------------------------------------------------------------------
# ELF files (computed once per document)
# ---------------------------------------------------------------------------

elf := lib.list(input.elf)

# missing_interpreter_groups: ELF files that name a loader (interpreter)
# that is not in the image, one group per interpreter: {"group":
# interpreter, "rows": [[interpreter, path, layer], ...]} sorted by path.
missing_interpreter_groups := group_by_first([[e.interpreter, e.path, e.layer] |
	some e in elf
	e.interpreter_found == false
	lib.str(e.interpreter) != ""
])

# site-packages directories holding a manylinux wheel on a musl image: the
# wheel findings cover the native code installed beside them.
glibc_wheel_dirs := {dirname(w.path) |
	some w in glibc_wheels
}

glibc_wheels := [w |
	input.libc.kind == "musl"
	some w in lib.list(input.wheels)
	w.manylinux == true
	not w.musllinux == true
]

# glibc_elf_groups: on a musl image without a glibc library, the ELF files
# that need glibc and still have their loader (a missing loader is reported
# per loader instead), outside the site-packages of reported wheels; one
# group per directory: rows [directory, path, layer] ("/" is "").
glibc_elf_groups := group_by_first([[regex.replace(e.path, `/[^/]*$`, ""), e.path, e.layer] |
	input.libc.kind == "musl"
	not input.libc.glibc_library
	some e in elf
	e.needs_glibc == true
	not e.path in missing_interpreter_paths
	not strings.any_prefix_match(e.path, glibc_wheel_prefixes)
])

missing_interpreter_paths := {row[1] |
	some g in missing_interpreter_groups
	some row in g.rows
}

glibc_wheel_prefixes := {concat("", [d, "/"]) | some d in glibc_wheel_dirs}

# ---------------------------------------------------------------------------
# World-writable paths (computed once per document)
# ---------------------------------------------------------------------------

# world_writable_sorted: [sort key, path, entry] of the world-writable
# entries (symlinks, whose mode means nothing, excluded). The path has no
# trailing slash and is "" for the root directory; the sort key maps "/" to
# NUL, so that everything below a directory directly follows it.
world_writable_sorted := sort([[replace(p, "/", "\u0000"), p, e] |
	some e in lib.list(input.world_writable)
	e.type != "symlink"
	p := trim_right(e.path, "/")
])

# world_writable_dir_prefixes: "D/" for each world-writable directory D
# ("/" for the root).
world_writable_dir_prefixes := {concat("", [x[1], "/"]) |
	some x in world_writable_sorted
	x[2].type == "dir"
}

# world_writable_top: the entries no world-writable directory contains, as
# {"path": path, "entry": entry, "below": number of world-writable entries
# below it}. Sorted as above, the entries below a top one are those up to
# the next top one, so one pass counts them (strings.any_prefix_match is a
# builtin lookup, not a loop in Rego).
world_writable_top := [{"path": root_if_empty(s[st][1]), "entry": s[st][2], "below": (ends[j] - st) - 1} |
	s := world_writable_sorted
	starts := sort({i |
		some i, x in s
		not strings.any_prefix_match(x[1], world_writable_dir_prefixes)
	})
	ends := array.concat(array.slice(starts, 1, count(starts)), [count(s)])
	some j, st in starts
]

# ---------------------------------------------------------------------------
# Dockerfile correlation
# ---------------------------------------------------------------------------

# dev_environment: the image was built from a development-environment
# Dockerfile (see lib.dev_file).
dev_environment if lib.dev_file(lib.str(object.get(lib.obj(input.dockerfile), "file", "")))

# ---------------------------------------------------------------------------
# Secrets
# ---------------------------------------------------------------------------

# secrets_from(sources): the image's detected secrets of those sources.
secrets_from(sources) := [s |
	is_image
	some s in lib.list(input.secrets)
	s.source in sources
]

# secret_name(s): the Env/label/build-arg name, else the detector's key.
secret_name(s) := n if {
	n := lib.str(object.get(s, "name", ""))
	n != ""
} else := lib.str(object.get(s, "key", ""))

# secret_description(s): the detector's description without a final period,
# to be followed by the masked value.
secret_description(s) := trim_right(trim_space(lib.str(s.description)), ".")
