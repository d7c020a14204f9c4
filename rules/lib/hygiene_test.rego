package hardline.lib.hygiene_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.hygiene as h

test_grants_group_or_other_write if {
	every m in ["666", "0664", "775", "0602", "g=u", "g+w", "go+rw", "a+w", "ug+rwx", "u+r,g+w", "o=rwx", "g=u-x", "ugo=rw"] {
		h.grants_group_or_other_write(m)
	}
	every m in ["644", "0755", "4755", "600", "u+w", "+w", "g-w", "go-w", "g+r", "u=rwx,g=rx,o=", "g=o", "x+w", "1"] {
		not h.grants_group_or_other_write(m)
	}
}

test_removes_paths_and_globs if {
	run := run_of([{"name": "rm", "args": ["-rf", "/var/lib/apt/lists/*", "~/.cache/pip"]}])
	h.removes(run, "/var/lib/apt/lists")
	h.removes(run, "/root/.cache/pip")
	not h.removes(run, "/var/cache/apk")
	h.removes(run_of([{"name": "rm", "args": ["-rf", "/var/lib/apt"]}]), "/var/lib/apt/lists")
	h.removes(run_of([{"name": "rm", "args": ["-rf", "/var/lib/{apt,dpkg}/lists/*"]}]), "/var/lib/apt/lists")
	h.removes(run_of([{"name": "find", "args": ["/var/cache/apk", "-type", "f", "-delete"]}]), "/var/cache/apk")
	not h.removes(run_of([{"name": "find", "args": ["/var/cache/apk", "-type", "f"]}]), "/var/cache/apk")
	not h.removes(run_of([{"name": "rm", "args": ["-rf", "/var/lib/apt/lists-old"]}]), "/var/lib/apt/lists")
}

test_removes_home if {
	h.removes_home(run_of([{"name": "rm", "args": ["-rf", "/home/node/.npm"]}]), ".npm/_cacache")
	h.removes_home(run_of([{"name": "rm", "args": ["-rf", "$HOME/.npm"]}]), ".npm/_cacache")
	not h.removes_home(run_of([{"name": "rm", "args": ["-rf", "/home/node/.npmrc"]}]), ".npm/_cacache")
}

test_mounted if {
	run := {"mounts": [{"type": "cache", "target": "/root/.cache"}, {"type": "secret", "target": "/var/cache/apk"}]}
	h.mounted(run, "/root/.cache/pip")
	not h.mounted(run, "/var/cache/apk")
	h.mounted_home({"mounts": [{"type": "cache", "target": "/home/app/.npm"}]}, ".npm/_cacache")
}

test_targets_cover if {
	h.targets_cover(["/etc/passwd"], "/etc/passwd", false)
	h.targets_cover(["/etc/pass*"], "/etc/passwd", false)
	not h.targets_cover(["/etc"], "/etc/passwd", false)
	h.targets_cover(["/etc"], "/etc/passwd", true)
	h.targets_cover(["/"], "/etc/passwd", true)
	not h.targets_cover(["/etc/ssl"], "/etc/passwd", true)
}

test_non_root_owner if {
	h.non_root_owner("app:app")
	h.non_root_owner("1001")
	h.non_root_owner("app.root")
	not h.non_root_owner("root:app")
	not h.non_root_owner("0:0")
	not h.non_root_owner(":app")
	not h.non_root_owner("${APP_USER}")
}

test_trusted_prefixes if {
	h.trusted_prefix("docker.io/library") == "docker.io/library"
	h.trusted_prefix("index.docker.io/library/") == "docker.io/library"
	h.trusted_prefix("bitnami") == "docker.io/bitnami"
	h.trusted_prefix("GHCR.io/Acme") == "ghcr.io/acme"
	h.trusted_prefix("localhost:5000") == "localhost:5000"
}

test_trusted_on_path_boundaries if {
	h.trusted({"registry": "ghcr.io", "repository": "acme/app"}) with data.hardline.config.trusted_registries as ["ghcr.io/acme"]
	not h.trusted({"registry": "ghcr.io", "repository": "acme-evil/app"}) with data.hardline.config.trusted_registries as ["ghcr.io/acme"]
	h.trusted({"registry": "docker.io", "repository": "library/python"}) with data.hardline.config.trusted_registries as ["registry-1.docker.io/library"]
	not h.trusted({"registry": "docker.io", "repository": "library/python"}) with data.hardline.config.trusted_registries as []
}

test_trusted_registries_default_empty if {
	h.trusted_registries == []
}

# run_of(cmds): a Run with the commands and their command_index.
run_of(cmds) := {"commands": cmds, "command_index": fx.command_index(cmds)}

# instructions_of looks instructions up by keyword in every stage; shipped
# RUNs are those of the final chain's Linux stages.
test_instructions_of_and_shipped_runs if {
	build := fx.stage(0, "build", 1, fx.image_base("alpine:3.20"), fx.alpine, [
		fx.run(0, 2, "make", [fx.command(["make"])], []),
		fx.add(1, 3, ["a.txt"], "/a"),
	], fx.runtime({}), [0], false)
	final := fx.stage(1, "", 4, fx.image_base("alpine:3.20"), fx.alpine, [
		fx.copy(0, 5, ["/a"], "/a", "build", 0),
		fx.add(1, 6, ["b.txt"], "/b"),
		fx.run(2, 7, "true", [fx.command(["true"])], []),
	], fx.runtime({}), [1], true)
	d := fx.doc([build, final], [])
	{[x.stage.index, x.instr.location.start_line] | some x in h.instructions_of("add")} == {[0, 3], [1, 6]} with input as d
	{[x.stage.index, x.instr.location.start_line] | some x in h.instructions_of("copy")} == {[1, 5]} with input as d
	count(h.instructions_of("user")) == 0 with input as d
	{[x.stage.index, x.instr.location.start_line] | some x in h.all_runs} == {[0, 2], [1, 7]} with input as d
	{[x.stage.index, x.instr.location.start_line] | some x in h.shipped_runs} == {[1, 7]} with input as d
	count(h.shipped_runs) == 0 with input as fx.doc([build, fx.windows_stage(final)], [])
}

# pulled_images: FROM images, and COPY --from / RUN --mount from that name
# an image (from_kind "image" with a parsed from_ref); stages, scratch,
# invalid names and mounts without from are not pulls.
test_pulled_images if {
	nginx := {"registry": "docker.io", "repository": "library/nginx", "tag": "latest", "digest": "", "name": "nginx"}
	alpine := {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": "", "name": "alpine"}
	from_image := object.union(fx.copy(1, 3, ["/etc/nginx"], "/etc/nginx", "nginx:latest", -1), {"copy": {"sources": ["/etc/nginx"], "dest": "/etc/nginx", "from": "nginx:latest", "from_stage": -1, "from_kind": "image", "from_ref": nginx}})
	from_stage := object.union(fx.copy(2, 4, ["/out"], "/app", "build", 0), {"copy": {"sources": ["/out"], "dest": "/app", "from": "build", "from_stage": 0, "from_kind": "stage"}})
	invalid := object.union(fx.copy(3, 5, ["/x"], "/x", "Not:Valid::", -1), {"copy": {"sources": ["/x"], "dest": "/x", "from": "Not:Valid::", "from_stage": -1, "from_kind": "image"}})
	mounted := fx.run_x(4, 6, "ls /mnt", [fx.command(["ls", "/mnt"])], [], {"mounts": [
		{"type": "bind", "from": "alpine:3.20", "from_stage": -1, "from_kind": "image", "from_ref": alpine, "target": "/mnt"},
		{"type": "cache", "from_stage": -1, "target": "/root/.cache"},
	]})
	base := {"raw": "debian:12", "resolved": "debian:12", "unresolved": false, "scratch": false, "stage": -1, "ref": {"registry": "docker.io", "repository": "library/debian", "tag": "12", "digest": "", "name": "debian"}}
	scratch := {"raw": "scratch", "resolved": "scratch", "unresolved": false, "scratch": true, "stage": -1}
	doc := fx.doc([
		fx.stage(0, "build", 1, base, fx.unknown, [mounted], fx.runtime({}), [0], false),
		fx.stage(1, "", 2, scratch, fx.unknown, [from_image, from_stage, invalid], fx.runtime({}), [1], true),
	], [])
	pulled := {[p.text, p.key, p.stage.index, p.location.start_line] | some p in h.pulled_images with input as doc}
	pulled == {
		["FROM debian:12", "debian:12", 0, 1],
		["RUN --mount from=alpine:3.20", "alpine:3.20", 0, 6],
		["COPY --from=nginx:latest", "nginx:latest", 1, 3],
	}
}
