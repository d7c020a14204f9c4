# METADATA
# title: hardline image-hygiene helpers
# description: |
#   Shared helpers for the base-image, package-manager, ADD and account-file
#   rules: the RUN instructions of every stage, what a RUN removes or
#   mounts over, chmod/chown mode and owner judgments, and the trusted
#   registry list from the configuration.
package hardline.lib.hygiene

import data.hardline.lib.dockerfile as lib

# ---------------------------------------------------------------------------
# Instructions
# ---------------------------------------------------------------------------

# stage_instructions: every instruction of every stage (ONBUILD triggers
# excluded: they run in another build) as {"stage": stage, "instr": instr}.
stage_instructions contains {"stage": s, "instr": instr} if {
	input.kind == "dockerfile"
	some s in input.stages
	some instr in lib.list(s.instructions)
	instr.cmd != "onbuild"
}

# instructions_of(k): the elements of stage_instructions whose keyword is
# k ("add", "copy" ...; not "onbuild"), looked up through the stages'
# instruction_index.
instructions_of(k) := {{"stage": s, "instr": instr} |
	input.kind == "dockerfile"
	some s in input.stages
	some i in s.instruction_index[k]
	instr := s.instructions[i]
}

# all_runs: the RUN instructions with run facts, of every stage.
all_runs contains x if {
	some x in instructions_of("run")
	is_object(x.instr.run)
}

# shipped_runs: the RUN instructions whose layers end up in the final image
# (the final stage's chain), Linux stages only.
shipped_runs contains {"stage": s, "instr": instr} if {
	input.kind == "dockerfile"
	some s in input.stages
	s.in_final_chain
	not s.windows
	some i in s.instruction_index.run
	instr := s.instructions[i]
	is_object(instr.run)
}

# image_stage(s): the stage pulls an image that can be judged: not a
# stage, not scratch, resolved (an ARG without a value is not guessed) and
# a valid reference.
image_stage(s) if {
	s.base.stage == -1
	not s.base.scratch
	not s.base.unresolved
	is_object(s.base.ref)
}

# from_text(s): `FROM x` for messages, with the ARG expansion when the
# reference was written with variables.
from_text(s) := sprintf("FROM %s", [s.base.raw]) if s.base.raw == s.base.resolved

else := sprintf("FROM %s (resolves to %s)", [s.base.raw, s.base.resolved])

# pulled_images: every image the build pulls and that can be judged, as
# {"ref": parsed reference, "text": how the Dockerfile names it (for
# messages), "key": the reference as resolved, "stage": stage, "location"}:
# the FROM of image stages, and COPY --from / RUN --mount from that name no
# stage (BuildKit pulls those images too; a build stage's pulls shape what
# it copies into the final image). ONBUILD triggers are left out: they pull
# in another build.
pulled_images contains {"ref": s.base.ref, "text": from_text(s), "key": s.base.resolved, "stage": s, "location": s.location} if {
	some s in input.stages
	image_stage(s)
}

pulled_images contains {"ref": c.from_ref, "text": sprintf("COPY --from=%s", [c.from]), "key": c.from, "stage": x.stage, "location": x.instr.location} if {
	some x in instructions_of("copy")
	c := x.instr.copy
	c.from_kind == "image"
	is_object(c.from_ref)
}

pulled_images contains {"ref": m.from_ref, "text": sprintf("RUN --mount from=%s", [m.from]), "key": m.from, "stage": x.stage, "location": x.instr.location} if {
	some x in instructions_of("run")
	some m in lib.list(x.instr.run.mounts)
	m.from_kind == "image"
	is_object(m.from_ref)
}

# pulled_label(p): "stage N" or `stage N ("name")` for a pulled image's stage.
pulled_label(p) := sprintf("stage %d (%q)", [p.stage.index, p.stage.name]) if p.stage.name != ""

else := sprintf("stage %d", [p.stage.index])

# ---------------------------------------------------------------------------
# Paths a RUN removes or mounts over
# ---------------------------------------------------------------------------

# normal_path(a): a path argument with quotes removed, the home directory
# (~, $HOME) read as /root and no trailing slash.
normal_path(a) := p if {
	u := lib.strip_quotes(a)
	h := regex.replace(u, `^(~|\$HOME|\$\{HOME\})(/|$)`, "/root$2")
	p := trim_right_slash(h)
}

trim_right_slash("/") := "/"

trim_right_slash(p) := trim_right(p, "/") if p != "/"

# ancestors_or_self("/a/b/c") = ["/a", "/a/b", "/a/b/c"].
ancestors_or_self(p) := [concat("/", array.slice(parts, 0, i + 1)) |
	parts := split(p, "/")
	some i in numbers.range(1, count(parts) - 1)
]

# removal_args(run): the paths rm and find ... -delete are given.
removal_args(run) := {normal_path(a) |
	some i in run.command_index.rm
	some a in lib.list(run.commands[i].args)
	not startswith(a, "-")
} | {normal_path(c.args[0]) |
	some i in run.command_index.find
	c := run.commands[i]
	count(lib.list(c.args)) > 0
	some w in c.args
	w in {"-delete", "-exec"}
}

# covers(a, p): removing a (a path or glob) removes p or everything in p.
covers(a, p) if {
	some anc in ancestors_or_self(p)
	glob.match(a, ["/"], anc)
}

covers(a, p) if glob.match(a, ["/"], concat("/", [p, "x"]))

# removes(run, p): the RUN removes p (or empties it).
removes(run, p) if {
	some a in removal_args(run)
	covers(a, p)
}

# removes_home(run, rel): the RUN removes rel (".npm", ".cache/pip") in
# root's or another user's home directory.
removes_home(run, rel) if removes(run, concat("/", ["/root", rel]))

removes_home(run, rel) if {
	some a in removal_args(run)
	home := regex.find_n(`^/home/[^/*]+`, a, 1)[0]
	covers(a, concat("/", [home, rel]))
}

# mounted(run, p): a cache or tmpfs mount of the RUN holds p, so what is
# written there never reaches the layer.
mounted(run, p) if {
	some m in lib.list(run.mounts)
	m.type in {"cache", "tmpfs"}
	t := normal_path(lib.str(m.target))
	t != ""
	path_within(p, t)
}

# mounted_home(run, rel): like removes_home for mounts.
mounted_home(run, rel) if mounted(run, concat("/", ["/root", rel]))

mounted_home(run, rel) if {
	some m in lib.list(run.mounts)
	m.type in {"cache", "tmpfs"}
	t := normal_path(lib.str(m.target))
	home := regex.find_n(`^/home/[^/]+`, t, 1)[0]
	path_within(concat("/", [home, rel]), t)
}

path_within(p, dir) if p == dir

path_within(p, dir) if startswith(p, concat("", [trim_right(dir, "/"), "/"]))

# regex_quote(s): s with the regular-expression metacharacters escaped
# (the image library has the same helper; Dockerfile branches must not
# import it, see pkg/policy/prune.go).
regex_quote(s) := regex.replace(s, `([\\.+*?()|\[\]{}^$])`, `\${1}`)

# ---------------------------------------------------------------------------
# Modes and owners (chmod, chown, COPY --chmod/--chown)
# ---------------------------------------------------------------------------

# grants_group_or_other_write(mode): a chmod mode that gives the group or
# others write permission: octal with a write bit in the group or other
# digit, or a symbolic clause for g, o or a that adds or sets w, or copies
# the owner's permissions (`g=u`: the owner of a file can write it).
grants_group_or_other_write(mode) if {
	regex.match(`^[0-7]{3,4}$`, mode)
	digits := split(mode, "")
	n := count(digits)
	some d in [digits[n - 2], digits[n - 1]]
	d in {"2", "3", "6", "7"}
}

grants_group_or_other_write(mode) if {
	some clause in split(mode, ",")
	regex.match(`^[ugoa]*[goa][ugoa]*([-+=][rwxXst]*|[-+=][ugo])*[+=]([rwxXst]*w[rwxXst]*|u)([-+=].*)?$`, clause)
}

# mode_arg(args): the mode operand of chmod (the first word that is not an
# option; -w and the like are modes, but never grant write to others).
chmod_split(args) := {"mode": args[i], "targets": array.slice(args, i + 1, count(args))} if {
	i := min({j | some j, a in args; not startswith(a, "-")})
}

# recursive(args): -R / --recursive among the options.
recursive(args) if {
	some a in args
	regex.match(`^-[a-zA-Z]*R[a-zA-Z]*$`, a)
}

recursive(args) if "--recursive" in args

# targets_cover(targets, p, rec): one of the targets is p (or a glob
# matching it), or, when recursive, a directory above it.
targets_cover(targets, p, _) if {
	some t in targets
	glob.match(normal_path(t), ["/"], p)
}

targets_cover(targets, p, true) if {
	some t in targets
	some anc in array.concat(["/"], ancestors_or_self(p))
	glob.match(normal_path(t), ["/"], anc)
}

# non_root_owner(spec): a chown owner spec (user[:group], user.group) whose
# user is known and is not root.
non_root_owner(spec) if {
	u := regex.split(`[:.]`, spec)[0]
	u != ""
	not contains(u, "$")
	not lower(u) in {"root", "0"}
	not regex.match(`^0+$`, u)
}

# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------

# trusted_registries: the allow-list from .hardline.yaml (lower-cased, no
# trailing slash); [] when unset.
trusted_registries := r if {
	r := data.hardline.config.trusted_registries
	is_array(r)
} else := []

hub_aliases := {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}

# trusted_prefix(entry): an allow-list entry as registry/path. The first
# element is a registry when it looks like a host (a dot or a colon, or
# localhost), as in image references; otherwise the entry is a Docker Hub
# namespace ("library" is docker.io/library). Docker Hub aliases are read
# as docker.io.
trusted_prefix(entry) := p if {
	e := trim_right(lower(trim_space(entry)), "/")
	parts := split(e, "/")
	host_like(parts[0])
	host := hub_host(parts[0])
	p := concat("/", array.concat([host], array.slice(parts, 1, count(parts))))
} else := concat("/", ["docker.io", trim_right(lower(trim_space(entry)), "/")])

host_like(h) if contains(h, ".")

host_like(h) if contains(h, ":")

host_like("localhost")

hub_host(h) := "docker.io" if h in hub_aliases

else := h

# full_name(ref): "registry/repository" of a parsed reference.
full_name(ref) := concat("/", [lower(ref.registry), lower(ref.repository)])

# trusted(ref): the reference is under one of the trusted prefixes, on
# path-element boundaries (ghcr.io/acme does not admit ghcr.io/acme-evil).
trusted(ref) if {
	some e in trusted_registries
	path_within(full_name(ref), trusted_prefix(e))
}
