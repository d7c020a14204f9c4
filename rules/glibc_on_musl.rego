# METADATA
# title: glibc binaries in a musl (Alpine) image
# description: |
#   Alpine-based images use musl libc. Programs linked against glibc (built in a
#   Debian/Ubuntu stage and taken with COPY --from or RUN --mount=from, or
#   downloaded as "linux-gnu"/"manylinux" builds) look
#   for /lib64/ld-linux-x86-64.so.2 and fail with a confusing "not found", or
#   worse, run through compatibility shims such as gcompat with subtle
#   differences in DNS resolution, locale and threading behaviour. Such images
#   break at runtime rather than at build time, often only on some code paths.
#
#   In an image, the ELF files themselves are judged: executables whose
#   loader (e.g. /lib64/ld-linux-x86-64.so.2) is not in the image cannot run
#   at all (one finding per missing loader); on a musl image without a glibc
#   library, files that link glibc's libc.so.6 fail to load (one finding per
#   directory); and Python wheels built for glibc (manylinux, no musllinux
#   tag) on a musl image are reported per wheel, covering the native code
#   installed beside them.
# custom:
#   id: HL1006
#   name: glibc-on-musl
#   severity: high
#   tags: [libc, correctness]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Build on the same libc as the runtime image (e.g. golang:1.22-alpine for an
#     alpine runtime), produce static binaries (`CGO_ENABLED=0 go build`,
#     `cargo build --target x86_64-unknown-linux-musl`), download the musl
#     variant of prebuilt tools, or use a glibc runtime image (debian-slim,
#     distroless, wolfi) instead of shims:
#
#         FROM golang:1.22 AS build
#         RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app
#         FROM alpine:3.20
#         COPY --from=build /out/app /usr/local/bin/app
#   examples:
#     bad: |
#       FROM golang:1.22 AS build
#       RUN go build -o /out/app ./cmd/app
#       FROM alpine:3.20
#       COPY --from=build /out/app /usr/local/bin/app
#     good: |
#       FROM golang:1.22 AS build
#       RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app
#       FROM alpine:3.20
#       COPY --from=build /out/app /usr/local/bin/app
package hardline.rules.glibc_on_musl

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.image as img

musl_final if lib.final_stage.image.libc == "musl"

# --- (a) native code copied from a glibc stage --------------------------------

deny contains r if {
	musl_final
	f := lib.final_stage
	some x in lib.final_copies
	cp := x.instr.copy
	cp.from_stage >= 0
	src := input.stages[cp.from_stage]
	src.image.libc == "glibc"
	some kind, what in native_builds(src)
	copied := [s | some s in lib.list(cp.sources); copies_native(kind, s)]
	count(copied) > 0
	r := {
		"msg": sprintf("%s: COPY --from=%s copies %s, %s in %s on %s (glibc), into a musl-based final image (%s); glibc-linked code fails to load on musl", [lib.stage_label(x.stage), cp.from, concat(", ", copied), what, lib.stage_label(src.index), lib.base_image_name(src), lib.base_image_name(f)]),
		"location": x.instr.location,
		"stage": x.stage,
		"key": sprintf("%s:%s", [kind, concat(",", sort(copied))]),
	}
}

# --- (a') native code used from a glibc stage through RUN --mount=from= -------

# A bind mount of a build stage is the COPY --from of BuildKit's RUN: the RUN
# copies (cp, install, tar ...) what it needs from the mount into the image.
# The paths judged are the mounted stage's paths the RUN's commands name
# (mount source plus the part below the mount target), with the same
# native-vs-asset judgement as COPY --from.
deny contains r if {
	musl_final
	f := lib.final_stage
	some x in lib.final_runs
	some m in lib.list(x.instr.run.mounts)
	lib.str(m.type) in {"bind", ""}
	m.from_stage >= 0
	src := input.stages[m.from_stage]
	src.image.libc == "glibc"
	some kind, what in native_builds(src)
	used := sort({p | some p in mount_paths(x.instr.run, m); copies_native(kind, p)})
	count(used) > 0
	r := {
		"msg": sprintf("%s: RUN --mount=from=%s uses %s, %s in %s on %s (glibc), in a musl-based final image (%s); glibc-linked code fails to load on musl", [lib.stage_label(x.stage), m.from, concat(", ", used), what, lib.stage_label(src.index), lib.base_image_name(src), lib.base_image_name(f)]),
		"location": x.instr.location,
		"stage": x.stage,
		"key": sprintf("mount:%s:%s", [kind, concat(",", used)]),
	}
}

# mount_paths(run, m): the paths of the mounted stage that the commands of
# the RUN name through the mount target; when no command word does (the path
# is built in a variable) but the script mentions the target, the mount source.
mount_paths(run, m) := ps if {
	ps := {p |
		some c in lib.commands(run)
		some w in lib.list(c.argv)
		p := mount_path(m, lib.strip_quotes(w))
	}
	count(ps) > 0
} else := {lib.str(m.source)} if {
	lib.str(m.source) != ""
	t := mount_target(m)
	contains(lib.str(run.script), t)
} else := set()

mount_target(m) := t if {
	t := trim_right(lib.str(m.target), "/")
	t != ""
}

mount_path(m, w) := source_path(m, "") if w == mount_target(m)

mount_path(m, w) := source_path(m, rel) if {
	t := mount_target(m)
	startswith(w, concat("", [t, "/"]))
	rel := substring(w, count(t), -1)
}

# source_path(m, rel): the path in the mounted stage (rel starts with "/" or
# is empty); trailing "/", "/." and "/*" name the directory itself.
source_path(m, rel) := p if {
	joined := concat("", [trim_right(lib.str(m.source), "/"), rel])
	trimmed := regex.replace(joined, `(/\.?|/\*)+$`, "")
	p := default_root(trimmed)
}

default_root(p) := "/" if p == ""

else := p

native_builds(src) := {kind: what |
	some kind, what in all_kinds
	native_build(src, kind)
}

all_kinds := {
	"go": "built with Go with cgo enabled (no CGO_ENABLED=0)",
	"cargo": "built with cargo for a glibc target",
	"c": "compiled with a C/C++ toolchain",
	"pip": "Python packages installed with pip",
	"npm": "node_modules installed with npm/yarn (native addons link glibc)",
}

native_build(src, "go") if {
	not cgo_disabled(src)
	some run in lib.chain_runs(src)
	some c in lib.commands(run.run)
	c.name == "go"
	lib.list(c.args)[0] in {"build", "install"}
	not static_link(c)
	not c.assigns.CGO_ENABLED == "0"
}

native_build(src, "cargo") if {
	not musl_target(src)
	some run in lib.chain_runs(src)
	some c in lib.commands(run.run)
	c.name == "cargo"
	lib.list(c.args)[0] in {"build", "install", "zigbuild"}
	not contains(concat(" ", lib.list(c.args)), "musl")
}

native_build(src, "c") if {
	some run in lib.chain_runs(src)
	some c in lib.commands(run.run)
	c_build(src, c)
	not static_link(c)
	not contains(object.get(run.run, "script", ""), "-static")
}

c_build(_, c) if c.name in c_compilers

# make & co. in a Go, Rust or Node stage usually wrap that toolchain, which
# the other kinds judge.
c_build(src, c) if {
	c.name in c_build_tools
	not object.get(src.image, "runtime", "") in {"go", "rust", "node"}
}

native_build(src, "pip") if {
	some run in lib.chain_runs(src)
	some op in lib.packages(run.run)
	op.manager == "pip"
	op.action == "install"
}

native_build(src, "pip") if {
	some run in lib.chain_runs(src)
	some c in lib.commands(run.run)
	python_installer(c)
}

native_build(src, "npm") if {
	some run in lib.chain_runs(src)
	some c in lib.commands(run.run)
	node_installer(c)
}

c_compilers := {"gcc", "g++", "cc", "c++", "clang", "clang++"}

c_build_tools := {"make", "cmake", "ninja", "meson", "configure"}

python_installer(c) if {
	c.name in {"pip", "pip3"}
	lib.list(c.args)[0] in {"install", "wheel"}
}

python_installer(c) if {
	c.name == "uv"
	lib.list(c.args)[0] in {"sync", "pip"}
}

python_installer(c) if {
	c.name in {"poetry", "pipenv", "pdm"}
	lib.list(c.args)[0] in {"install", "sync"}
}

node_installer(c) if {
	c.name in {"npm", "pnpm"}
	lib.list(c.args)[0] in {"ci", "install", "i", "add"}
}

node_installer(c) if {
	c.name == "yarn"
	count(lib.list(c.args)) == 0
}

node_installer(c) if {
	c.name == "yarn"
	lib.list(c.args)[0] in {"install", "add"}
}

# (lib.obj is bound before its result is indexed: pkg/policy's library
# pruning does not see a call at the head of a reference.)
cgo_disabled(src) if {
	env := lib.obj(src.runtime.env)
	env.CGO_ENABLED == "0"
}

cgo_disabled(src) if {
	some run in lib.chain_runs(src)
	contains(lib.str(run.run.script), "CGO_ENABLED=0")
}

cgo_disabled(src) if {
	some i in lib.list(src.chain)
	st := input.stages[i]
	some k in st.instruction_index.arg
	some d in lib.list(st.instructions[k].arg)
	d.name == "CGO_ENABLED"
	d.value == "0"
}

musl_target(src) if {
	env := lib.obj(src.runtime.env)
	contains(lib.str(env.CARGO_BUILD_TARGET), "musl")
}

static_link(c) if {
	some a in lib.list(c.args)
	regex.match(`(^|[\s'"=])-static($|[\s'"])|netgo|crt-static`, a)
}

# Which copied sources carry the native code of each build kind.
copies_native(kind, s) if {
	kind in {"go", "cargo", "c"}
	not asset_like(s)
	not c_asset_dir(kind, s)
}

copies_native("pip", s) if regex.match(`(venv|site-packages|dist-packages|/\.local|/usr/local/lib/python|/install$|/install/|wheels|\.whl$|__pypackages__|/opt/poetry)`, s)

copies_native("npm", s) if contains(s, "node_modules")

asset_like(s) if regex.match(`(?i)\.(html?|css|s[ac]ss|js|mjs|cjs|map|json|ya?ml|toml|ini|conf|cfg|txt|md|svg|png|jpe?g|gif|ico|webp|woff2?|ttf|eot|otf|xml|csv|sql|pem|crt|cer|tmpl|tpl|gotmpl|properties|lock|sh|py|rb|php|pyc|mo|po)$`, s)

asset_like(s) if regex.match(`^/(etc|usr/share)/`, s)

asset_like(s) if regex.match(`(zoneinfo|ca-certificates|/ssl/certs)`, s)

asset_like(s) if lib.basename(s) in {"public", "static", "assets", "templates", "web", "www", "html", "migrations", "config", "configs", "locales", "docs", "views", "LICENSE", "passwd", "group"}

c_asset_dir("c", s) if lib.basename(s) in {"dist", "build"}

# --- (b) (c) (d) in RUN / ADD of the final chain -----------------------------

deny contains r if {
	musl_final
	some x in evidence_instructions
	ev := evidence(x.instr)
	count(ev) > 0
	r := {
		"msg": sprintf("%s: %s on a musl-based image (%s)", [lib.stage_label(x.stage), lib.joined(ev), lib.base_image_name(lib.final_stage)]),
		"location": x.instr.location,
		"stage": x.stage,
		"key": lib.joined(ev),
	}
}

evidence(instr) := (downloads(instr) | shims(instr)) | foreign_pm(instr)

# evidence_instructions: the instructions of the final chain evidence() can
# find something in: RUNs with run facts and ADDs with copy facts (every
# part of evidence() needs one or the other).
evidence_instructions := lib.final_runs | {x |
	some x in lib.final_copies
	x.instr.cmd == "add"
}

downloads(instr) := {sprintf("downloads a %s (%s)", [what, lib.basename(lib.redact_url(u))]) |
	some u in instr_urls(instr)
	what := glibc_download(u)
}

instr_urls(instr) := lib.list(instr.run.urls) if {
	instr.cmd == "run"
	is_object(instr.run)
} else := {u |
	instr.cmd == "add"
	some u in lib.list(instr.copy.sources)
	lib.is_url(u)
}

glibc_download(u) := "glibc package for Alpine" if {
	regex.match(`(?i)(alpine-pkg-glibc|/glibc-[^/]*\.apk$)`, u)
} else := "glibc build (linux-gnu)" if {
	regex.match(`(?i)linux-gnu`, u)
} else := "manylinux (glibc) wheel" if {
	contains(lower(u), "manylinux")
} else := "glibc Node.js build" if {
	regex.match(`(?i)://(www\.)?nodejs\.org/(dist|download)/.*linux-[^/]*\.tar`, u)
	not contains(lower(u), "musl")
}

shim_packages := {"glibc", "glibc-bin", "glibc-i18n", "glibc-dev", "gcompat", "libc6-compat"}

shims(instr) := {sprintf("installs the glibc shim %s", [p]) |
	instr.cmd == "run"
	some op in lib.system_install_ops(instr.run)
	some p in lib.list(op.packages)
	shim_package(p)
} | {"links the glibc loader ld-linux" |
	instr.cmd == "run"
	"ln" in lib.final_command_names
	some c in lib.commands(instr.run)
	c.name == "ln"
	some a in lib.list(c.args)
	contains(a, "ld-linux")
}

shim_package(p) if lower(p) in shim_packages

shim_package(p) if regex.match(`(?i)^glibc[^/]*\.apk$`, lib.basename(p))

foreign_managers := {"apt", "yum", "dnf", "microdnf", "tdnf", "zypper"}

foreign_pm(instr) := {sprintf("runs %s (a glibc distribution's package manager) in an Alpine stage", [c.name]) |
	instr.cmd == "run"
	lib.final_stage.image.family == "alpine"
	some op in lib.packages(instr.run)
	op.manager in foreign_managers
	not lib.command_conditional(instr.run, op.command)
	c := lib.commands(instr.run)[op.command]
}

# --- images -------------------------------------------------------------------

# (a) ELF files whose loader is missing: one finding per loader.
deny contains r if {
	img.is_image
	some g in img.missing_interpreter_groups
	first := g.rows[0]
	n := count(g.rows)
	r := img.finding(
		sprintf("%s %s the loader %s, which is not in the image (%s image): %s%s; %s to start with \"not found\"", [files_text(n), plural(n, "needs", "need"), g.group, libc_text, concat(", ", [sprintf("%s (%s)", [row[1], img.layer_name(row[2])]) | some row in img.head(g.rows, 5)]), img.more(n, 5), plural(n, "it fails", "they fail")]),
		sprintf("interpreter:%s", [g.group]),
		first[2], -1, first[1],
	)
}

files_text(1) := "1 ELF file"

files_text(n) := sprintf("%d ELF files", [n]) if n != 1

libc_text := object.get(libc_names, lib.str(input.libc.kind), "this")

libc_names := {"musl": "a musl", "glibc": "a glibc", "both": "a glibc and musl", "none": "a libc-less"}

# (b) Files that link glibc on a musl image without a glibc library: one
# finding per directory.
deny contains r if {
	img.is_image
	some g in img.glibc_elf_groups
	dir := img.root_if_empty(g.group)
	first := g.rows[0]
	n := count(g.rows)
	r := img.finding(
		sprintf("%s: %s %s glibc (libc.so.6) on a musl image without a glibc library: %s%s; %s to load", [dir, files_text(n), plural(n, "links", "link"), concat(", ", [sprintf("%s (%s)", [lib.basename(row[1]), img.layer_name(row[2])]) | some row in img.head(g.rows, 5)]), img.more(n, 5), plural(n, "it fails", "they fail")]),
		sprintf("glibc:%s", [dir]),
		first[2], -1, dir,
	)
}

# plural(n, one, many): one when n is 1.
plural(1, one, _) := one

plural(n, _, many) := many if n != 1

# (c) Python wheels built for glibc on a musl image.
deny contains r if {
	img.is_image
	some w in img.glibc_wheels
	r := img.finding(
		sprintf("Python distribution %s (%s) was installed from a wheel built for glibc (%s) on a musl image; its native extensions need glibc: install the musllinux wheel or build from source on musl", [w.path, img.layer_name(w.layer), concat(", ", sort([t | some t in lib.list(w.tags); contains(t, "manylinux")]))]),
		sprintf("wheel:%s", [w.path]),
		w.layer, -1, w.path,
	)
}
