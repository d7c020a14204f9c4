# METADATA
# title: Build toolchain left in the final image
# description: |
#   Compilers, headers and build tools (gcc, make, *-dev packages, Go, Rust)
#   are only needed to build the application. Left in the final image they add
#   hundreds of megabytes, widen the CVE surface that scanners report, and hand
#   an attacker who gets code execution a ready toolchain to build exploits.
#   Removing them in a later RUN does not help: the files stay in the earlier
#   layer that is still shipped.
#
#   Dockerfiles that build a development environment are exempt, because there
#   the toolchain is the point: files under a `.devcontainer/` directory (VS
#   Code dev containers) and files named `Dockerfile.dev`, `Dockerfile.devel`
#   (also with `-` instead of `.`), `dev.Dockerfile` or `*.dev.Dockerfile`.
#
#   In an image, the packages of the apk or dpkg database are judged, one
#   finding per layer that installed toolchain packages (a virtual package
#   such as `.build-deps` that was never deleted counts with its
#   dependencies). An image without a package database (distroless, scratch,
#   a copied root filesystem), or whose packages hold no toolchain, is
#   reported when it ships a compiler (gcc, cc, clang, go, rustc, cargo);
#   make or cmake alone are not enough.
# custom:
#   id: HL1002
#   name: build-deps-in-final
#   severity: medium
#   tags: [build-deps, packages]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.1", "4.1.2"]
#     cis-docker-1.6.0: ["4.3"]
#   remediation: |
#     Build in a separate stage and copy only the artifacts into a runtime
#     image; or, when building in place, install the toolchain as a virtual
#     package and remove it in the same RUN:
#
#         RUN apk add --no-cache --virtual .build-deps gcc musl-dev \
#          && pip install --no-cache-dir -r requirements.txt \
#          && apk del .build-deps
#   examples:
#     bad: |
#       FROM python:3.12-alpine
#       RUN apk add --no-cache gcc musl-dev libffi-dev
#       RUN pip install -r requirements.txt
#     good: |
#       FROM python:3.12-alpine
#       RUN apk add --no-cache --virtual .build-deps gcc musl-dev libffi-dev \
#        && pip install --no-cache-dir -r requirements.txt \
#        && apk del .build-deps
package hardline.rules.build_deps_in_final

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.image as img

# --- toolchain packages installed by a RUN of the final chain ----------------

deny contains r if {
	not lib.dev_environment
	some x in lib.final_runs
	run := x.instr.run
	left := {p |
		some op in lib.system_install_ops(run)
		deps := [q | some q in lib.list(op.packages); build_dep(q)]
		count(deps) > 0
		not removed_with_op(run, op)
		some p in deps
		not removed_by_name(run, op, p)
	}
	count(left) > 0
	names := sort(left)
	later := {sprintf("%s (line %d)", [p, line]) |
		some p in left
		line := removed_later(x, p)
	}
	r := {
		"msg": sprintf("%s: build toolchain packages (%s) are installed in the final image and not removed in the same RUN%s", [lib.stage_label(x.stage), concat(", ", names), later_note(later)]),
		"location": x.instr.location,
		"stage": x.stage,
		"key": concat(",", names),
	}
}

later_note(later) := "" if count(later) == 0

else := sprintf("; removing them in a later RUN (%s) does not shrink the image: they stay in this RUN's layer", [lib.joined(later)])

# --- the final image is a toolchain image -----------------------------------

deny contains r if {
	not lib.dev_environment
	f := lib.final_stage
	root := lib.root_stage(f)
	why := toolchain_image(f, root)
	r := {
		"msg": sprintf("final stage is based on a build toolchain image: %s (%s); build in it, then copy the artifacts into a runtime image", [lib.base_image_name(f), why]),
		"location": root.location,
		"stage": root.index,
		"key": "toolchain-image",
	}
}

toolchain_runtimes := {"go": "Go toolchain", "rust": "Rust toolchain"}

toolchain_repos := {
	"golang": "Go toolchain",
	"rust": "Rust toolchain",
	"gcc": "GCC toolchain",
	"maven": "Maven build image",
	"gradle": "Gradle build image",
	"buildpack-deps": "build dependencies image",
	"sbt": "sbt build image",
	"scala-sbt": "sbt build image",
}

jdk_repos := {"openjdk", "eclipse-temurin", "amazoncorretto", "ibm-semeru-runtimes", "sapmachine", "zulu-openjdk", "liberica-openjdk-debian", "liberica-openjdk-alpine", "ibmjava"}

toolchain_image(f, root) := v if {
	v := toolchain_runtimes[f.image.runtime]
} else := v if {
	v := toolchain_repos[repo_name(root)]
	not toolchain_free_variant(root)
}

else := ".NET SDK image" if {
	endswith(lib.str(root.base.ref.repository), "dotnet/sdk")
}

else := "JDK image: use a JRE image at runtime" if {
	repo_name(root) in jdk_repos
	regex.match(`(^|[^a-z])jdk([^a-z]|$)`, lower(lib.str(root.base.ref.tag)))
}

repo_name(root) := lib.basename(lib.str(root.base.ref.repository))

# toolchain_free_variant(root): tags of a toolchain repository that carry no
# compilers. buildpack-deps:<suite>-curl adds only curl, wget and CA
# certificates and :<suite>-scm adds the version-control tools on top; only
# the bare buildpack-deps:<suite> tag installs gcc, make and the -dev packages.
toolchain_free_variant(root) if {
	repo_name(root) == "buildpack-deps"
	regex.match(`(^|-)(curl|scm)$`, lower(lib.str(root.base.ref.tag)))
}

# --- package matching ---------------------------------------------------------

# The package knowledge is shared with the image branch below
# (lib.build_dep_package).
build_dep(p) if lib.build_dep_package(p)

# --- removal in the same RUN --------------------------------------------------

# A later remove operation names the package (or a glob matching it).
removed_by_name(run, op, p) if {
	some rm in lib.packages(run)
	rm.action == "remove"
	rm.command > op.command
	some q in lib.list(rm.packages)
	name_matches(q, p)
}

# removed_with_op(run, op): everything the install operation installed is
# removed later in the RUN, whatever the package names.

# Installed as `apk add --virtual V ...` and `apk del V` later in the RUN.
removed_with_op(run, op) if {
	v := lib.str(op.virtual)
	v != ""
	some rm in lib.packages(run)
	rm.action == "remove"
	rm.command > op.command
	v in lib.list(rm.packages)
}

# The docker-library idiom: `apt-mark auto '.*'` after the install and a later
# `apt-get purge -y --auto-remove` (or autoremove) in the same RUN.
removed_with_op(run, op) if {
	op.manager == "apt"
	cmds := lib.commands(run)
	some a, mark in cmds
	a > op.command
	mark.name == "apt-mark"
	"auto" in lib.list(mark.args)
	some b, purge in cmds
	b > a
	purge.name in {"apt-get", "apt", "aptitude"}
	some w in lib.list(purge.args)
	w in {"autoremove", "--auto-remove", "--autoremove"}
	not remarked_manual(cmds, op.command, a)
}

# `apt-mark showmanual` saved between the install and the auto mark keeps the
# package (a `showmanual | xargs apt-mark auto` pipeline does not).
remarked_manual(cmds, from, to) if {
	some i, c in cmds
	i > from
	i < to
	c.name == "apt-mark"
	"showmanual" in lib.list(c.args)
	c.pipe_len == 1
}

name_matches(q, p) if lower(q) == lower(p)

name_matches(q, p) if {
	contains(q, "*")
	glob.match(lower(q), null, lower(p))
}

# removed_later(x, p): line of a later RUN of the final chain removing p.
removed_later(x, p) := min({y.instr.location.start_line |
	some y in lib.final_runs
	after(y, x)
	some rm in lib.packages(y.instr.run)
	rm.action == "remove"
	some q in lib.list(rm.packages)
	name_matches(q, p)
})

after(y, x) if y.stage > x.stage

after(y, x) if {
	y.stage == x.stage
	y.instr.index > x.instr.index
}

# --- images: toolchain packages in the package database -----------------------

# One finding per layer that installed toolchain packages still in the
# image.
deny contains r if {
	img.is_image
	not img.dev_environment
	some l in {p.layer | some p in image_toolchain_packages}
	in_layer := [p | some p in image_toolchain_packages; p.layer == l]
	plain := sort({p.name | some p in in_layer; not p.virtual == true})
	virtuals := sort({sprintf("virtual package %s (%s)", [p.name, concat(", ", virtual_toolchain_deps(p))]) |
		some p in in_layer
		p.virtual == true
	})
	items := array.concat(plain, virtuals)
	names := sort({p.name | some p in in_layer})
	r := img.finding(
		sprintf("build toolchain packages %sremain in the image: %s (%s database)%s", [installed_where(l), list_text(items), img.package_manager, virtual_note(in_layer)]),
		concat(",", names),
		l, -1, "",
	)
}

# image_toolchain_packages: packages of the database that are toolchains, and
# virtual packages (apk --virtual) that depend on toolchains.
image_toolchain_packages := [p |
	some p in img.packages
	image_toolchain(p)
]

image_toolchain(p) if {
	not p.virtual == true
	lib.build_dep_package(p.name)
}

image_toolchain(p) if count(virtual_toolchain_deps(p)) > 0

virtual_toolchain_deps(p) := sort({n |
	p.virtual == true
	some d in lib.list(p.depends)
	some n in img.dependency_names(d)
	lib.build_dep_package(n)
})

installed_where(l) := sprintf("installed in layer %d ", [l]) if l >= 0

else := ""

# list_text(items): the first 15 items, then a count.
list_text(items) := concat("", [concat(", ", img.head(items, 15)), img.more(count(items), 15)])

virtual_note(in_layer) := sprintf("; delete a virtual package in the RUN that adds it (apk del %s)", [concat(" ", vs)]) if {
	vs := sort({p.name | some p in in_layer; p.virtual == true})
	count(vs) > 0
} else := ""

# --- images: compilers without a toolchain package ---------------------------

# Without a package database (distroless, scratch, a copied root filesystem),
# or when none of its packages is a toolchain (Go in /usr/local/go, a
# compiler copied in), the compilers found in the image are the evidence.
# make and cmake alone are weak evidence (runtime images use them as task
# runners); they are only named next to a compiler.
deny contains r if {
	img.is_image
	not img.dev_environment
	count(image_toolchain_packages) == 0
	compilers := img.present(compiler_programs)
	count(compilers) > 0
	first := img.earliest_program_path(compilers)
	tools := img.present(build_tool_programs)
	r := img.finding(
		sprintf("compilers ship in the image %s: %s%s", [no_package_why, img.paths_text(compilers), tools_note(tools)]),
		"toolchain-programs",
		first.layer, -1, first.path,
	)
}

compiler_programs := {"gcc", "cc", "g++", "c++", "clang", "clang++", "gfortran", "tcc", "go", "rustc", "cargo"}

build_tool_programs := {"make", "cmake", "ninja", "meson"}

no_package_why := "without a package database (distroless, scratch or a copied root filesystem)" if img.package_manager == ""

else := sprintf("but not as %s packages", [img.package_manager])

tools_note(tools) := "" if count(tools) == 0

else := sprintf(", with %s", [img.paths_text(tools)])
