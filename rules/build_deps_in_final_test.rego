package hardline.rules.build_deps_in_final_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.build_deps_in_final

findings(doc) := fs if {
	fs := build_deps_in_final.deny with input as doc
}

one(base, img, instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base(base), img, instrs, fx.runtime({}), [0], true)], [])

test_apk_gcc_left if {
	r := fx.run(0, 2, "apk add --no-cache gcc musl-dev libffi-dev", [fx.command(["apk", "add", "--no-cache", "gcc", "musl-dev", "libffi-dev"])], [fx.op("apk", "install", ["gcc", "musl-dev", "libffi-dev"], 0)])
	fs := findings(one("python:3.12-alpine", fx.python_alpine, [r]))
	count(fs) == 1
	some f in fs
	f.key == "gcc,libffi-dev,musl-dev"
	f.location.start_line == 2
	contains(f.msg, "gcc, libffi-dev, musl-dev")
}

test_runtime_packages_ok if {
	r := fx.run(0, 2, "apk add --no-cache libffi ca-certificates", [fx.command(["apk", "add", "--no-cache", "libffi", "ca-certificates"])], [fx.op("apk", "install", ["libffi", "ca-certificates"], 0)])
	count(findings(one("alpine:3.20", fx.alpine, [r]))) == 0
}

test_virtual_removed_same_run if {
	ops := [
		object.union(fx.op("apk", "install", ["gcc", "musl-dev"], 0), {"virtual": ".build-deps"}),
		fx.op("pip", "install", ["-r"], 1),
		fx.op("apk", "remove", [".build-deps"], 2),
	]
	cmds := [
		fx.command(["apk", "add", "--virtual", ".build-deps", "gcc", "musl-dev"]),
		fx.command(["pip", "install", "-r", "requirements.txt"]),
		fx.command(["apk", "del", ".build-deps"]),
	]
	r := fx.run(0, 2, "apk add --virtual .build-deps gcc musl-dev && pip install -r requirements.txt && apk del .build-deps", cmds, ops)
	count(findings(one("python:3.12-alpine", fx.python_alpine, [r]))) == 0
}

test_virtual_deleted_in_later_run_still_flagged if {
	ops1 := [object.union(fx.op("apk", "install", ["gcc"], 0), {"virtual": ".build-deps"})]
	r1 := fx.run(0, 2, "apk add --virtual .build-deps gcc", [fx.command(["apk", "add", "--virtual", ".build-deps", "gcc"])], ops1)
	r2 := fx.run(1, 3, "apk del .build-deps", [fx.command(["apk", "del", ".build-deps"])], [fx.op("apk", "remove", [".build-deps"], 0)])
	fs := findings(one("alpine:3.20", fx.alpine, [r1, r2]))
	count(fs) == 1
}

test_removed_by_name_same_run if {
	cmds := [fx.command(["apt-get", "install", "-y", "gcc", "libpq-dev"]), fx.command(["pip", "install", "psycopg2"]), fx.command(["apt-get", "purge", "-y", "gcc", "libpq-dev"])]
	ops := [fx.op("apt", "install", ["gcc", "libpq-dev"], 0), fx.op("pip", "install", ["psycopg2"], 1), fx.op("apt", "remove", ["gcc", "libpq-dev"], 2)]
	r := fx.run(0, 2, "...", cmds, ops)
	count(findings(one("python:3.12-slim", fx.python_slim, [r]))) == 0
}

test_partially_removed if {
	cmds := [fx.command(["apt-get", "install", "-y", "gcc", "make"]), fx.command(["apt-get", "purge", "-y", "gcc"])]
	ops := [fx.op("apt", "install", ["gcc", "make"], 0), fx.op("apt", "remove", ["gcc"], 1)]
	fs := findings(one("debian:12", fx.debian, [fx.run(0, 2, "...", cmds, ops)]))
	some f in fs
	f.key == "make"
}

test_removed_in_later_run_message if {
	r1 := fx.run(0, 2, "apt-get install -y build-essential", [fx.command(["apt-get", "install", "-y", "build-essential"])], [fx.op("apt", "install", ["build-essential"], 0)])
	r2 := fx.run(1, 5, "apt-get purge -y build-essential", [fx.command(["apt-get", "purge", "-y", "build-essential"])], [fx.op("apt", "remove", ["build-essential"], 0)])
	fs := findings(one("debian:12", fx.debian, [r1, r2]))
	count(fs) == 1
	some f in fs
	f.location.start_line == 2
	contains(f.msg, "later RUN (build-essential (line 5))")
}

# docker-library: savedAptMark="$(apt-mark showmanual)"; apt-get install ...;
# ...; apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark;
# apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false
test_apt_mark_idiom if {
	cmds := [
		fx.command(["apt-mark", "showmanual"]),
		fx.command(["apt-get", "update"]),
		fx.command(["apt-get", "install", "-y", "--no-install-recommends", "gcc", "libc6-dev", "make", "wget"]),
		fx.command(["make", "-j4"]),
		fx.command(["apt-mark", "auto", ".*"]),
		fx.command(["apt-mark", "manual", "${savedAptMark}"]),
		fx.command(["apt-get", "purge", "-y", "--auto-remove", "-o", "APT::AutoRemove::RecommendsImportant=false"]),
	]
	ops := [fx.op("apt", "update", [], 1), fx.op("apt", "install", ["gcc", "libc6-dev", "make", "wget"], 2), fx.op("apt", "remove", [], 6)]
	count(findings(one("debian:12", fx.debian, [fx.run(0, 2, "...", cmds, ops)]))) == 0
}

test_apt_mark_without_autoremove_flagged if {
	cmds := [
		fx.command(["apt-get", "install", "-y", "gcc"]),
		fx.command(["apt-mark", "auto", ".*"]),
	]
	ops := [fx.op("apt", "install", ["gcc"], 0)]
	count(findings(one("debian:12", fx.debian, [fx.run(0, 2, "...", cmds, ops)]))) == 1
}

# postgres: `apt-mark showmanual | xargs apt-mark auto` then autoremove
test_apt_mark_showmanual_pipeline if {
	cmds := [
		fx.command(["apt-get", "install", "-y", "dpkg-dev"]),
		object.union(fx.command(["apt-mark", "showmanual"]), {"pipe_len": 2}),
		object.union(fx.command(["apt-mark", "auto"]), {"pipe_len": 2, "pipe_pos": 1, "wrappers": ["xargs"]}),
		fx.command(["apt-get", "purge", "-y", "--auto-remove"]),
	]
	ops := [fx.op("apt", "install", ["dpkg-dev"], 0), fx.op("apt", "remove", [], 3)]
	count(findings(one("debian:12", fx.debian, [fx.run(0, 2, "...", cmds, ops)]))) == 0
}

test_builder_stage_ok if {
	r := fx.run(0, 2, "apt-get install -y gcc", [fx.command(["apt-get", "install", "-y", "gcc"])], [fx.op("apt", "install", ["gcc"], 0)])
	b := fx.stage(0, "build", 1, fx.image_base("debian:12"), fx.debian, [r], fx.runtime({}), [0], false)
	f := fx.stage(1, "", 4, fx.image_base("debian:12-slim"), fx.debian, [], fx.runtime({}), [1], true)
	count(findings(fx.doc([b, f], []))) == 0
}

# Inherited through FROM <stage>: the base stage's layers ship.
test_inherited_stage_flagged if {
	r := fx.run(0, 2, "apt-get install -y g++-12 cmake", [fx.command(["apt-get", "install", "-y", "g++-12", "cmake"])], [fx.op("apt", "install", ["g++-12", "cmake"], 0)])
	b := fx.stage(0, "base", 1, fx.image_base("ubuntu:24.04"), fx.ubuntu, [r], fx.runtime({}), [0], true)
	f := fx.stage(1, "", 4, fx.stage_base("base", 0), fx.ubuntu, [], fx.runtime({}), [0, 1], true)
	fs := findings(fx.doc([b, f], []))
	some x in fs
	x.key == "cmake,g++-12"
	x.stage == 0
}

test_dnf_group_and_devel if {
	r := fx.run(0, 2, "dnf install -y @development-tools openssl-devel", [fx.command(["dnf", "install", "-y", "@development-tools", "openssl-devel"])], [fx.op("dnf", "install", ["@development-tools", "openssl-devel"], 0)])
	fs := findings(one("fedora:40", fx.info({"known": true, "family": "rhel", "libc": "glibc"}), [r]))
	some f in fs
	f.key == "@development-tools,openssl-devel"
}

test_pip_and_npm_not_system if {
	r := fx.run(0, 2, "pip install make", [fx.command(["pip", "install", "make"])], [fx.op("pip", "install", ["make"], 0)])
	count(findings(one("python:3.12-slim", fx.python_slim, [r]))) == 0
}

test_onbuild_ignored if {
	inner := fx.run(0, 2, "apk add gcc", [fx.command(["apk", "add", "gcc"])], [fx.op("apk", "install", ["gcc"], 0)])
	ob := fx.instr(0, "onbuild", 2, ["RUN apk add gcc"], {"onbuild": inner})
	count(findings(one("alpine:3.20", fx.alpine, [ob]))) == 0
}

test_golang_final_image if {
	fs := findings(one("golang:1.22", fx.golang, []))
	some f in fs
	f.key == "toolchain-image"
	contains(f.msg, "final stage is based on a build toolchain image")
	f.location.start_line == 1
}

test_maven_final_image if {
	fs := findings(one("maven:3.9-eclipse-temurin-21", fx.info({"known": true, "family": "debian", "libc": "glibc", "runtime": "java"}), []))
	some f in fs
	f.key == "toolchain-image"
}

test_jdk_tag_flagged_jre_ok if {
	img := fx.info({"known": true, "family": "debian", "libc": "glibc", "runtime": "java"})
	count(findings(one("eclipse-temurin:21-jdk-jammy", img, []))) == 1
	count(findings(one("eclipse-temurin:21-jre-jammy", img, []))) == 0
}

test_golang_builder_distroless_final_ok if {
	b := fx.stage(0, "build", 1, fx.image_base("golang:1.22"), fx.golang, [], fx.runtime({}), [0], false)
	f := fx.stage(1, "", 4, fx.image_base("gcr.io/distroless/static:nonroot"), fx.distroless_nonroot, [], fx.runtime({}), [1], true)
	count(findings(fx.doc([b, f], []))) == 0
}

test_devcontainer_skipped if {
	r := fx.run(0, 2, "apt-get install -y build-essential", [fx.command(["apt-get", "install", "-y", "build-essential"])], [fx.op("apt", "install", ["build-essential"], 0)])
	d := one("golang:1.22", fx.golang, [r])
	count(findings(object.union(d, {"file": ".devcontainer/Dockerfile"}))) == 0
	count(findings(object.union(d, {"file": "docker/Dockerfile.dev"}))) == 0
	count(findings(object.union(d, {"file": "docker/Dockerfile"}))) == 2
}

test_buildpack_deps_curl_scm_variants_ok if {
	count(findings(one("buildpack-deps:bookworm-curl", fx.debian, []))) == 0
	count(findings(one("buildpack-deps:noble-scm", fx.ubuntu, []))) == 0
	count(findings(one("buildpack-deps:curl", fx.debian, []))) == 0
	count(findings(one("buildpack-deps:scm", fx.debian, []))) == 0
}

test_buildpack_deps_full_flagged if {
	some f in findings(one("buildpack-deps:bookworm", fx.debian, []))
	f.key == "toolchain-image"
	contains(f.msg, "build dependencies image")
	count(findings(one("buildpack-deps", fx.debian, []))) == 1
	count(findings(one("buildpack-deps:curl-bookworm-extra", fx.debian, []))) == 1
}

# --- images -------------------------------------------------------------------

image_findings(doc) := fs if {
	fs := build_deps_in_final.deny with input as doc
}

alpine_with(pkgs) := ix.image_doc(ix.packages("apk", array.concat([ix.pkg("musl", 0), ix.pkg("busybox", 0)], pkgs)))

# apk add --virtual .build-deps gcc musl-dev without apk del: the virtual
# package and its dependencies stay, one finding for the layer.
test_image_apk_virtual_build_deps if {
	d := alpine_with([
		ix.virtual_pkg(".build-deps", ["gcc", "musl-dev>=1.2", "so:libc.musl-x86_64.so.1"], 1),
		ix.pkg("gcc", 1), ix.pkg("musl-dev", 1), ix.pkg("libffi", 1),
	])
	fs := image_findings(d)
	count(fs) == 1
	some f in fs
	f.key == ".build-deps,gcc,musl-dev"
	f.layer == 1
	f.history == 2
	not f.path
	not f.location
	f.msg == "build toolchain packages installed in layer 1 remain in the image: gcc, musl-dev, virtual package .build-deps (gcc, musl-dev) (apk database); delete a virtual package in the RUN that adds it (apk del .build-deps)"
}

# A virtual package of runtime libraries is not a toolchain.
test_image_apk_virtual_runtime_deps_ok if {
	count(image_findings(alpine_with([ix.virtual_pkg(".run-deps", ["libffi", "so:libssl.so.3"], 1), ix.pkg("libffi", 1)]))) == 0
}

# The virtual package alone (its toolchain installed in an earlier layer).
test_image_virtual_alone_in_its_layer if {
	d := alpine_with([ix.pkg("gcc", 1), ix.virtual_pkg(".build-deps", ["cmd:gcc", "make"], 2)])
	fs := image_findings(d)
	count(fs) == 2
	{f.key | some f in fs} == {"gcc", ".build-deps"}
	some f in fs
	f.key == ".build-deps"
	f.layer == 2
	f.history == 3
	contains(f.msg, "virtual package .build-deps (gcc, make)")
}

# dpkg: libc6 is the C library, libc6-dev its headers; only -dev is flagged.
test_image_dpkg_only_dev_packages if {
	d := ix.debian_doc(ix.packages("dpkg", [
		ix.pkg("libc6", 0), ix.pkg("gcc-12-base", 0), ix.pkg("libgcc-s1", 0),
		ix.pkg("libc6-dev", 2), ix.pkg("linux-libc-dev", 2), ix.pkg("libssl3", 2),
	]))
	fs := image_findings(d)
	count(fs) == 1
	some f in fs
	f.key == "libc6-dev,linux-libc-dev"
	f.layer == 2
	f.history == 3
	contains(f.msg, "in layer 2 remain in the image: libc6-dev, linux-libc-dev (dpkg database)")
	not contains(f.msg, "apk del")
}

# Packages of several layers: one finding each (the base image's one is
# marked inherited by the CLI from its layer).
test_image_one_finding_per_layer if {
	d := ix.debian_doc(ix.packages("dpkg", [ix.pkg("libc6-dev", 0), ix.pkg("make", 0), ix.pkg("gcc-12", 1), ix.pkg("libpq-dev", 1)]))
	fs := image_findings(d)
	{[f.layer, f.history, f.key] | some f in fs} == {[0, 0, "libc6-dev,make"], [1, 2, "gcc-12,libpq-dev"]}
}

test_image_long_list_cut if {
	devs := [ix.pkg(sprintf("lib%02d-dev", [i]), 1) | some i in numbers.range(1, 20)]
	some f in image_findings(alpine_with(devs))
	contains(f.msg, "lib15-dev and 5 more (apk database)")
	not contains(f.msg, "lib16-dev")
	f.key == concat(",", sort([p.name | some p in devs]))
}

test_image_unknown_layer if {
	some f in image_findings(alpine_with([ix.pkg("build-base", -1)]))
	not f.layer
	not f.history
	startswith(f.msg, "build toolchain packages remain in the image: build-base (apk database)")
}

test_image_runtime_packages_ok if {
	count(image_findings(ix.image_doc({}))) == 0
	count(image_findings(ix.debian_doc({}))) == 0
}

# No package database (distroless, scratch): the compilers are the evidence.
test_image_no_package_db_with_gcc if {
	d := ix.image_doc(object.union(ix.packages("", []), {"programs": {
		"gcc": [ix.prog("/usr/bin/gcc", 2)],
		"cc": [ix.prog("/usr/bin/cc", 2)],
		"make": [ix.prog("/usr/bin/make", 1)],
	}}))
	fs := image_findings(d)
	count(fs) == 1
	some f in fs
	f.key == "toolchain-programs"
	f.layer == 2
	f.history == 3
	f.path == "/usr/bin/cc"
	f.msg == "compilers ship in the image without a package database (distroless, scratch or a copied root filesystem): cc (/usr/bin/cc), gcc (/usr/bin/gcc), with make (/usr/bin/make)"
}

# make alone is a task runner as often as a build tool.
test_image_no_package_db_make_alone_ok if {
	d := ix.image_doc(object.union(ix.packages("", []), {"programs": {"make": [ix.prog("/usr/bin/make", 1)]}}))
	count(image_findings(d)) == 0
}

# golang:alpine-style: Go in /usr/local/go, no toolchain package.
test_image_go_outside_packages if {
	d := ix.image_doc({"programs": {"go": [ix.prog("/usr/local/go/bin/go", 1)]}})
	some f in image_findings(d)
	f.msg == "compilers ship in the image but not as apk packages: go (/usr/local/go/bin/go)"
	f.path == "/usr/local/go/bin/go"
}

# Toolchain packages are reported by package; their programs are not
# reported again.
test_image_packages_win_over_programs if {
	d := alpine_with([ix.pkg("gcc", 1)])
	fs := image_findings(object.union(d, {"programs": {"gcc": [ix.prog("/usr/bin/gcc", 1)]}}))
	{f.key | some f in fs} == {"gcc"}
}

test_image_dev_environment_exempt if {
	d := object.union(alpine_with([ix.pkg("gcc", 1)]), {"dockerfile": {"file": ".devcontainer/Dockerfile", "base_history": 2, "matched": 3}})
	count(image_findings(d)) == 0
}

# Dockerfile documents never reach the image branches.
test_image_branches_guarded if {
	r := fx.run(0, 2, "apk add --no-cache libffi", [fx.command(["apk", "add", "--no-cache", "libffi"])], [fx.op("apk", "install", ["libffi"], 0)])
	d := object.union(one("alpine:3.20", fx.alpine, [r]), {"packages": {"manager": "apk", "list": [ix.pkg("gcc", 1)]}, "programs": {"gcc": [ix.prog("/usr/bin/gcc", 1)]}})
	count(findings(d)) == 0
}
