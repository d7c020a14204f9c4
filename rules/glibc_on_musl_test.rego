package hardline.rules.glibc_on_musl_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.glibc_on_musl

findings(doc) := fs if {
	fs := glibc_on_musl.deny with input as doc
}

lines(doc) := {f.location.start_line | some f in findings(doc)}

go_build(script, argv, extra_env) := fx.run(0, 3, script, [object.union(fx.command(argv), {"assigns": extra_env})], [])

two(b_img, b_base, b_instrs, b_rt, f_img, f_base, f_instrs) := fx.doc(
	[
		fx.stage(0, "builder", 1, fx.image_base(b_base), b_img, b_instrs, fx.runtime(b_rt), [0], false),
		fx.stage(1, "", 5, fx.image_base(f_base), f_img, f_instrs, fx.runtime({}), [1], true),
	],
	[],
)

copy_bin := fx.copy(0, 6, ["/out/app"], "/usr/local/bin/app", "builder", 0)

test_go_cgo_default_flagged if {
	d := two(fx.golang, "golang:1.22", [go_build("go build -o /out/app ./cmd/app", ["go", "build", "-o", "/out/app", "./cmd/app"], {})], {}, fx.alpine, "alpine:3.20", [copy_bin])
	lines(d) == {6}
	some f in findings(d)
	contains(f.msg, "cgo enabled")
	contains(f.msg, "/out/app")
	f.key == "go:/out/app"
}

test_go_cgo_disabled_assign_ok if {
	d := two(fx.golang, "golang:1.22", [go_build("CGO_ENABLED=0 go build -o /out/app", ["go", "build", "-o", "/out/app"], {"CGO_ENABLED": "0"})], {}, fx.alpine, "alpine:3.20", [copy_bin])
	count(findings(d)) == 0
}

test_go_cgo_disabled_env_ok if {
	d := two(fx.golang, "golang:1.22", [go_build("go build -o /out/app", ["go", "build", "-o", "/out/app"], {})], {"env": {"CGO_ENABLED": "0"}}, fx.alpine, "alpine:3.20", [copy_bin])
	count(findings(d)) == 0
}

# ARG CGO_ENABLED=0 is in the RUN's environment; the resolved value counts.
test_go_cgo_disabled_by_arg_ok if {
	a := fx.arg(0, 2, "CGO_ENABLED", "0", true, {"default": "${CGO}"})
	b := go_build("go build -o /out/app", ["go", "build", "-o", "/out/app"], {})
	d := two(fx.golang, "golang:1.22", [a, b], {}, fx.alpine, "alpine:3.20", [copy_bin])
	count(findings(d)) == 0
}

test_go_static_ldflags_ok if {
	d := two(fx.golang, "golang:1.22", [go_build("go build -ldflags '-extldflags -static' -o /out/app", ["go", "build", "-ldflags", "-extldflags -static", "-o", "/out/app"], {})], {}, fx.alpine, "alpine:3.20", [copy_bin])
	count(findings(d)) == 0
}

test_go_alpine_builder_ok if {
	d := two(fx.golang_alpine, "golang:1.22-alpine", [go_build("go build -o /out/app", ["go", "build", "-o", "/out/app"], {})], {}, fx.alpine, "alpine:3.20", [copy_bin])
	count(findings(d)) == 0
}

test_go_to_glibc_final_ok if {
	d := two(fx.golang, "golang:1.22", [go_build("go build -o /out/app", ["go", "build", "-o", "/out/app"], {})], {}, fx.debian, "debian:12-slim", [copy_bin])
	count(findings(d)) == 0
}

test_go_stage_config_copy_ok if {
	cp := fx.copy(0, 6, ["/src/config.yaml", "/etc/ssl/certs/ca-certificates.crt"], "/etc/app/", "builder", 0)
	d := two(fx.golang, "golang:1.22", [go_build("go build -o /out/app", ["go", "build", "-o", "/out/app"], {})], {}, fx.alpine, "alpine:3.20", [cp])
	count(findings(d)) == 0
}

test_cargo_gnu_flagged_musl_ok if {
	gnu := fx.run(0, 3, "cargo build --release", [fx.command(["cargo", "build", "--release"])], [])
	musl := fx.run(0, 3, "cargo build --release --target x86_64-unknown-linux-musl", [fx.command(["cargo", "build", "--release", "--target", "x86_64-unknown-linux-musl"])], [])
	cp := fx.copy(0, 6, ["/src/target/release/app"], "/app", "builder", 0)
	count(findings(two(fx.rust, "rust:1.80", [gnu], {}, fx.alpine, "alpine:3.20", [cp]))) == 1
	count(findings(two(fx.rust, "rust:1.80", [musl], {}, fx.alpine, "alpine:3.20", [cp]))) == 0
}

test_pip_venv_copied if {
	r := fx.run(0, 3, "python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt", [fx.command(["python", "-m", "venv", "/opt/venv"]), fx.command(["/opt/venv/bin/pip", "install", "-r", "requirements.txt"])], [fx.op("pip", "install", [], 1)])
	cp := fx.copy(0, 6, ["/opt/venv"], "/opt/venv", "builder", 0)
	d := two(fx.python_slim, "python:3.12-slim", [r], {}, fx.python_alpine, "python:3.12-alpine", [cp])
	some f in findings(d)
	contains(f.msg, "pip")
}

test_node_dist_to_nginx_alpine_ok if {
	r := fx.run(0, 3, "npm ci && npm run build", [fx.command(["npm", "ci"]), fx.command(["npm", "run", "build"])], [fx.op("npm", "install", [], 0)])
	cp := fx.copy(0, 6, ["/app/dist/"], "/usr/share/nginx/html", "builder", 0)
	cp2 := fx.copy(1, 7, ["/app/nginx.conf", "/app/build"], "/etc/nginx/conf.d/", "builder", 0)
	d := two(fx.node_debian, "node:20", [r], {}, fx.nginx_alpine, "nginx:1.27-alpine", [cp, cp2])
	count(findings(d)) == 0
}

test_node_modules_copied_flagged if {
	r := fx.run(0, 3, "npm ci --omit=dev", [fx.command(["npm", "ci", "--omit=dev"])], [fx.op("npm", "install", [], 0)])
	cp := fx.copy(0, 6, ["/app/node_modules"], "/app/node_modules", "builder", 0)
	d := two(fx.node_debian, "node:20", [r], {}, fx.node_alpine, "node:20-alpine", [cp])
	lines(d) == {6}
}

test_make_in_go_stage_with_cgo_off_ok if {
	r := fx.run(0, 3, "make build", [fx.command(["make", "build"])], [])
	d := two(fx.golang, "golang:1.22", [r], {"env": {"CGO_ENABLED": "0"}}, fx.alpine, "alpine:3.20", [copy_bin])
	count(findings(d)) == 0
}

test_c_build_flagged if {
	r := fx.run(0, 3, "./configure && make && make install", [fx.command(["./configure"]), fx.command(["make"]), fx.command(["make", "install"])], [])
	cp := fx.copy(0, 6, ["/usr/local/bin/tool"], "/usr/local/bin/", "builder", 0)
	d := two(fx.debian, "debian:12", [r], {}, fx.alpine, "alpine:3.20", [cp])
	lines(d) == {6}
}

test_download_gnu_tarball if {
	u := "https://github.com/BurntSushi/ripgrep/releases/download/14.1.0/ripgrep-14.1.0-x86_64-unknown-linux-gnu.tar.gz"
	r := fx.run(0, 2, sprintf("wget -q %s", [u]), [fx.command(["wget", "-q", u])], [])
	d := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [r], fx.runtime({}), [0], true)], [])
	some f in findings(d)
	contains(f.msg, "linux-gnu")
	f.location.start_line == 2
}

test_download_static_go_ok if {
	u := "https://github.com/mikefarah/yq/releases/download/v4.44.1/yq_linux_amd64"
	u2 := "https://unofficial-builds.nodejs.org/download/release/v20.11.0/node-v20.11.0-linux-x64-musl.tar.xz"
	r := fx.run(0, 2, "wget ...", [fx.command(["wget", u]), fx.command(["wget", u2])], [])
	d := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [r], fx.runtime({}), [0], true)], [])
	count(findings(d)) == 0
}

# The URL only appears with its ARG value substituted in the command argv.
test_download_node_glibc_arg_expanded if {
	u := "https://nodejs.org/dist/v20.11.0/node-v20.11.0-linux-x64.tar.xz"
	r := fx.run(0, 3, "curl -fsSLO \"$NODE_URL\"", [fx.command(["curl", "-fsSLO", u])], [])
	d := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [r], fx.runtime({}), [0], true)], [])
	some f in findings(d)
	contains(f.msg, "glibc Node.js build")
}

test_add_url_with_credentials_redacted if {
	u := "https://user:hunter2@example.com/pkgs/glibc-2.35-r1.apk"
	a := fx.add(0, 2, [u], "/tmp/")
	d := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [a], fx.runtime({}), [0], true)], [])
	some f in findings(d)
	contains(f.msg, "glibc package for Alpine")
	not contains(f.msg, "hunter2")
}

test_gcompat_shim if {
	r := fx.run(0, 2, "apk add --no-cache gcompat", [fx.command(["apk", "add", "--no-cache", "gcompat"])], [fx.op("apk", "install", ["gcompat"], 0)])
	d := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [r], fx.runtime({}), [0], true)], [])
	some f in findings(d)
	f.key == "installs the glibc shim gcompat"
}

test_ld_linux_symlink if {
	r := fx.run(0, 2, "ln -s /lib/libc.musl-x86_64.so.1 /lib64/ld-linux-x86-64.so.2", [fx.command(["ln", "-s", "/lib/libc.musl-x86_64.so.1", "/lib64/ld-linux-x86-64.so.2"])], [])
	d := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [r], fx.runtime({}), [0], true)], [])
	count(findings(d)) == 1
}

test_libc6_compat_in_builder_only_ok if {
	r := fx.run(0, 2, "apk add --no-cache libc6-compat", [fx.command(["apk", "add", "--no-cache", "libc6-compat"])], [fx.op("apk", "install", ["libc6-compat"], 0)])
	d := two(fx.node_alpine, "node:20-alpine", [r], {}, fx.node_alpine, "node:20-alpine", [])
	count(findings(d)) == 0
}

test_apt_get_on_alpine if {
	r := fx.run(0, 2, "apt-get update && apt-get install -y curl", [fx.command(["apt-get", "update"]), fx.command(["apt-get", "install", "-y", "curl"])], [fx.op("apt", "update", [], 0), fx.op("apt", "install", ["curl"], 1)])
	d := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [r], fx.runtime({}), [0], true)], [])
	some f in findings(d)
	contains(f.msg, "runs apt-get")
}

test_conditional_apt_get_ok if {
	c := object.union(fx.command(["apt-get", "install", "-y", "curl"]), {"conditional": true})
	r := fx.run(0, 2, "if command -v apt-get; then apt-get install -y curl; else apk add curl; fi", [fx.command(["command", "-v", "apt-get"]), c], [fx.op("apt", "install", ["curl"], 1)])
	d := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [r], fx.runtime({}), [0], true)], [])
	count(findings(d)) == 0
}

test_glibc_final_not_checked if {
	u := "https://example.com/tool-x86_64-unknown-linux-gnu.tar.gz"
	r := fx.run(0, 2, "wget ...", [fx.command(["wget", u])], [])
	d := fx.doc([fx.stage(0, "", 1, fx.image_base("debian:12"), fx.debian, [r], fx.runtime({}), [0], true)], [])
	count(findings(d)) == 0
}

# The raw script keeps ${RG_VERSION}; the argv has it expanded: one evidence.
test_download_raw_and_expanded_reported_once if {
	raw := "https://github.com/BurntSushi/ripgrep/releases/download/${RG_VERSION}/ripgrep-${RG_VERSION}-x86_64-unknown-linux-gnu.tar.gz"
	exp := "https://github.com/BurntSushi/ripgrep/releases/download/14.1.0/ripgrep-14.1.0-x86_64-unknown-linux-gnu.tar.gz"
	r := fx.run(1, 3, sprintf("wget -qO /tmp/rg.tar.gz \"%s\"", [raw]), [fx.command(["wget", "-qO", "/tmp/rg.tar.gz", exp])], [])
	d := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [r], fx.runtime({}), [0], true)], [])
	some f in findings(d)
	f.key == "downloads a glibc build (linux-gnu) (ripgrep-14.1.0-x86_64-unknown-linux-gnu.tar.gz)"
}

# A URL kept in a shell variable is only visible in the script text.
test_download_url_in_shell_variable if {
	script := "url=\"https://static.rust-lang.org/rustup/archive/1.28.2/x86_64-unknown-linux-gnu/rustup-init\"; wget \"$url\""
	r := fx.run(1, 3, script, [fx.command(["wget", "${url}"])], [])
	d := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [r], fx.runtime({}), [0], true)], [])
	count(findings(d)) == 1
}

# --- RUN --mount=from=<glibc stage> -------------------------------------------

bind(from, from_stage, source, target) := {"type": "bind", "from": from, "from_stage": from_stage, "source": source, "target": target}

mount_run(script, argvs, mounts) := fx.run_x(0, 6, script, [fx.command(a) | some a in argvs], [], {"mounts": mounts})

go_builder := [go_build("go build -o /app .", ["go", "build", "-o", "/app", "."], {})]

test_mount_from_go_stage_flagged if {
	r := mount_run("cp /mnt/app /usr/local/bin/app", [["cp", "/mnt/app", "/usr/local/bin/app"]], [bind("builder", 0, "/app", "/mnt/app")])
	d := two(fx.golang, "golang:1.22", go_builder, {}, fx.alpine, "alpine:3.20", [r])
	lines(d) == {6}
	some f in findings(d)
	contains(f.msg, "RUN --mount=from=builder uses /app, built with Go with cgo enabled")
	f.key == "mount:go:/app"
}

test_mount_whole_stage_path_below_target if {
	r := mount_run("install -m 0755 /build/out/app /usr/local/bin/", [["install", "-m", "0755", "/build/out/app", "/usr/local/bin/"]], [bind("builder", 0, "", "/build/")])
	d := two(fx.golang, "golang:1.22", go_builder, {}, fx.alpine, "alpine:3.20", [r])
	some f in findings(d)
	f.key == "mount:go:/out/app"
}

test_mount_path_in_variable_uses_source if {
	r := mount_run("BIN=/mnt/app; cp \"$BIN\" /usr/local/bin/", [["cp", "", "/usr/local/bin/"]], [bind("builder", 0, "/app", "/mnt/app")])
	d := two(fx.golang, "golang:1.22", go_builder, {}, fx.alpine, "alpine:3.20", [r])
	count(findings(d)) == 1
}

test_mount_from_cgo_disabled_stage_ok if {
	b := [go_build("CGO_ENABLED=0 go build -o /app .", ["go", "build", "-o", "/app", "."], {"CGO_ENABLED": "0"})]
	r := mount_run("cp /mnt/app /usr/local/bin/app", [["cp", "/mnt/app", "/usr/local/bin/app"]], [bind("builder", 0, "/app", "/mnt/app")])
	count(findings(two(fx.golang, "golang:1.22", b, {}, fx.alpine, "alpine:3.20", [r]))) == 0
}

test_mount_assets_ok if {
	npm := fx.run(0, 3, "npm ci && npm run build", [fx.command(["npm", "ci"]), fx.command(["npm", "run", "build"])], [])
	r := mount_run("cp -r /dist/. /usr/share/nginx/html/", [["cp", "-r", "/dist/.", "/usr/share/nginx/html/"]], [bind("builder", 0, "/src/dist", "/dist")])
	count(findings(two(fx.node_debian, "node:20", [npm], {}, fx.nginx_alpine, "nginx:1.27-alpine", [r]))) == 0

	# node_modules through the same kind of mount is native code.
	r2 := mount_run("cp -r /m/node_modules /app/", [["cp", "-r", "/m/node_modules", "/app/"]], [bind("builder", 0, "/src", "/m")])
	count(findings(two(fx.node_debian, "node:20", [npm], {}, fx.node_alpine, "node:20-alpine", [r2]))) == 1
}

test_mount_config_from_go_stage_ok if {
	r := mount_run("cp /cfg/default.yaml /etc/app/", [["cp", "/cfg/default.yaml", "/etc/app/"]], [bind("builder", 0, "/src/config", "/cfg")])
	count(findings(two(fx.golang, "golang:1.22", go_builder, {}, fx.alpine, "alpine:3.20", [r]))) == 0
}

test_mount_not_used_or_not_bind_ok if {
	unused := mount_run("apk add --no-cache curl", [["apk", "add", "--no-cache", "curl"]], [bind("builder", 0, "/app", "/mnt/app")])
	count(findings(two(fx.golang, "golang:1.22", go_builder, {}, fx.alpine, "alpine:3.20", [unused]))) == 0
	sec := mount_run("cp /run/secrets/app /tmp/x", [["cp", "/run/secrets/app", "/tmp/x"]], [{"type": "secret", "from_stage": -1, "target": "/run/secrets/app"}])
	count(findings(two(fx.golang, "golang:1.22", go_builder, {}, fx.alpine, "alpine:3.20", [sec]))) == 0
}

test_mount_into_glibc_final_ok if {
	r := mount_run("cp /mnt/app /usr/local/bin/app", [["cp", "/mnt/app", "/usr/local/bin/app"]], [bind("builder", 0, "/app", "/mnt/app")])
	count(findings(two(fx.golang, "golang:1.22", go_builder, {}, fx.debian, "debian:12-slim", [r]))) == 0
}

# --- images -------------------------------------------------------------------

image_findings(doc) := fs if {
	fs := glibc_on_musl.deny with input as doc
}

keys(doc) := {f.key | some f in image_findings(doc)}

gcompat := {"libc": {"kind": "musl", "loaders": [ix.musl_loader], "glibc_library": true}}

# A glibc busybox copied onto Alpine: its loader is missing. Reported once,
# for the loader, not again as a glibc file on musl.
test_image_glibc_busybox_on_alpine if {
	d := ix.image_doc({"elf": [ix.glibc_exec("/bin/busybox", 2, false), ix.musl_exec("/usr/bin/python3.12", 1, true)]})
	fs := image_findings(d)
	count(fs) == 1
	some f in fs
	f.key == "interpreter:/lib64/ld-linux-x86-64.so.2"
	f.path == "/bin/busybox"
	f.layer == 2
	f.history == 3
	f.msg == "1 ELF file needs the loader /lib64/ld-linux-x86-64.so.2, which is not in the image (a musl image): /bin/busybox (layer 2); it fails to start with \"not found\""
}

test_image_missing_loader_list_cut_and_sorted if {
	elf := [ix.glibc_exec(sprintf("/opt/tool/bin/t%d", [i]), 2, false) | some i in numbers.range(1, 7)]
	fs := image_findings(ix.image_doc({"elf": array.concat(elf, [ix.glibc_exec("/app/a", 3, false)])}))
	count(fs) == 1
	some f in fs
	f.path == "/app/a"
	f.layer == 3
	contains(f.msg, "8 ELF files need the loader")
	contains(f.msg, "/app/a (layer 3), /opt/tool/bin/t1 (layer 2), /opt/tool/bin/t2 (layer 2), /opt/tool/bin/t3 (layer 2), /opt/tool/bin/t4 (layer 2) and 3 more;")
}

test_image_one_finding_per_missing_loader if {
	arm := ix.elf_file("/usr/bin/qemu-thing", 2, {"interpreter": "/lib/ld-linux-aarch64.so.1", "interpreter_found": false, "needs_glibc": true})
	d := ix.image_doc({"elf": [ix.glibc_exec("/bin/a", 2, false), arm]})
	keys(d) == {"interpreter:/lib64/ld-linux-x86-64.so.2", "interpreter:/lib/ld-linux-aarch64.so.1"}
}

# glibc shared objects on Alpine without gcompat: one finding per directory.
test_image_glibc_libs_on_musl_per_directory if {
	d := ix.image_doc({"elf": [
		ix.glibc_lib("/opt/app/lib/libfoo.so.1", 2),
		ix.glibc_lib("/opt/app/lib/libbar.so.2", 2),
		ix.glibc_lib("/opt/app/plugins/p.so", 3),
		ix.musl_exec("/usr/bin/python3.12", 1, true),
	]})
	fs := image_findings(d)
	keys(d) == {"glibc:/opt/app/lib", "glibc:/opt/app/plugins"}
	some f in fs
	f.key == "glibc:/opt/app/lib"
	f.path == "/opt/app/lib"
	f.layer == 2
	f.msg == "/opt/app/lib: 2 ELF files link glibc (libc.so.6) on a musl image without a glibc library: libbar.so.2 (layer 2), libfoo.so.1 (layer 2); they fail to load"
}

# A glibc executable whose loader is there (a copied ld-linux) but no libc.so.6.
test_image_glibc_exec_with_loader_on_musl if {
	d := ix.image_doc({"elf": [ix.glibc_exec("/usr/local/bin/app", 2, true)]})
	some f in image_findings(d)
	f.key == "glibc:/usr/local/bin"
	contains(f.msg, "1 ELF file links glibc")
}

# gcompat provides libc.so.6: not reported (the Dockerfile rule reports the
# shim when it sees it installed).
test_image_gcompat_no_glibc_finding if {
	d := ix.image_doc(object.union(gcompat, {"elf": [ix.glibc_lib("/opt/app/lib/libfoo.so.1", 2), ix.glibc_exec("/usr/local/bin/app", 2, true)]}))
	count(image_findings(d)) == 0
}

# A glibc image with a musl binary whose loader is present: fine.
test_image_musl_binary_on_glibc_with_loader_ok if {
	d := ix.debian_doc({
		"libc": {"kind": "both", "loaders": [ix.glibc_loader, ix.musl_loader], "glibc_library": true},
		"elf": [ix.musl_exec("/usr/local/bin/static-ish", 2, true), ix.glibc_exec("/usr/bin/python3.11", 1, true)],
	})
	count(image_findings(d)) == 0
}

# A musl binary on a glibc image without the musl loader cannot start.
test_image_musl_binary_on_glibc_missing_loader if {
	d := ix.debian_doc({"elf": [ix.musl_exec("/usr/local/bin/tool", 2, false)]})
	some f in image_findings(d)
	f.key == "interpreter:/lib/ld-musl-x86_64.so.1"
	contains(f.msg, "(a glibc image)")
}

site := "/usr/local/lib/python3.12/site-packages"

orjson_many := ix.wheel(sprintf("%s/orjson-3.10.7.dist-info", [site]), ["cp312-cp312-manylinux_2_17_x86_64", "cp312-cp312-manylinux2014_x86_64"], 3)

orjson_so := ix.glibc_lib(sprintf("%s/orjson/orjson.cpython-312-x86_64-linux-gnu.so", [site]), 3)

# A manylinux wheel on Alpine: one finding for the wheel, which covers the
# native code installed beside it.
test_image_manylinux_wheel_on_alpine if {
	d := ix.image_doc({"wheels": [orjson_many], "elf": [orjson_so]})
	fs := image_findings(d)
	count(fs) == 1
	some f in fs
	f.key == "wheel:/usr/local/lib/python3.12/site-packages/orjson-3.10.7.dist-info"
	f.path == "/usr/local/lib/python3.12/site-packages/orjson-3.10.7.dist-info"
	f.layer == 3
	f.msg == "Python distribution /usr/local/lib/python3.12/site-packages/orjson-3.10.7.dist-info (layer 3) was installed from a wheel built for glibc (cp312-cp312-manylinux2014_x86_64, cp312-cp312-manylinux_2_17_x86_64) on a musl image; its native extensions need glibc: install the musllinux wheel or build from source on musl"
}

# glibc native code outside that site-packages is still reported.
test_image_manylinux_wheel_other_dirs_still_reported if {
	d := ix.image_doc({"wheels": [orjson_many], "elf": [orjson_so, ix.glibc_lib("/opt/lib/libx.so", 2)]})
	keys(d) == {"wheel:/usr/local/lib/python3.12/site-packages/orjson-3.10.7.dist-info", "glibc:/opt/lib"}
}

test_image_manylinux_wheel_on_debian_ok if {
	count(image_findings(ix.debian_doc({"wheels": [orjson_many], "elf": [orjson_so]}))) == 0
}

test_image_musllinux_wheels_ok if {
	musl := ix.wheel(sprintf("%s/numpy-2.1.0.dist-info", [site]), ["cp312-cp312-musllinux_1_2_x86_64"], 3)
	both := ix.wheel(sprintf("%s/foo-1.0.dist-info", [site]), ["py3-none-manylinux_2_17_x86_64", "py3-none-musllinux_1_1_x86_64"], 3)
	count(image_findings(ix.image_doc({"wheels": [musl, both]}))) == 0
}

# Many ELF files in many directories stay cheap (grouping is not a
# comprehension per directory). Kept small enough for `rules test -v`,
# whose tracing multiplies the cost.
test_image_many_elf_files if {
	lib := ix.glibc_lib("", 2)
	elf := [object.union(lib, {"path": sprintf("/opt/d%03d/lib%d.so", [i % 50, i])}) | some i in numbers.range(0, 499)]
	fs := image_findings(ix.image_doc({"elf": elf}))
	count(fs) == 50
	some f in fs
	f.path == "/opt/d000"
	contains(f.msg, "10 ELF files link glibc")
	contains(f.msg, "and 5 more")
}

# A Dockerfile document never reaches the image branches.
test_image_branches_guarded if {
	d := object.union(fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [0], true)], []), {"elf": [ix.glibc_exec("/bin/busybox", 2, false)], "libc": {"kind": "musl"}, "wheels": [orjson_many]})
	count(findings(d)) == 0
}
