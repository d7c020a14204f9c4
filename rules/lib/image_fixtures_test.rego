# Test-only builders for image facts documents shaped exactly like
# pkg/image.Document (JSON field names are the Go json tags; lists are never
# null; os and dockerfile may be null). Loaded by `opa test` only (a
# _test.rego file).
#
# image_doc(over) is a complete, valid document of a small Alpine image
# (three layers: the base rootfs, an apk add and a COPY of the application)
# merged with over by object.union: nested objects merge key by key, arrays
# and scalars are replaced. debian_doc(over) is the same for a Debian image.
package hardline.lib.image_fixtures

import data.hardline.lib.image_history_fixtures as hx

# --- history and layers ---------------------------------------------------------

# hist(index, instruction, created_by, layer): a history entry; layer -1 for
# an empty layer (ENV, USER, CMD ...). Entries made by a layer of index 0 are
# the base image's. A RUN gets the run facts pkg/image builds for created_by
# when it is one of the generated fixtures (image_history_fixtures_test.rego),
# else run null.
hist(i, instruction, created_by, layer) := {
	"index": i,
	"created_by": created_by,
	"empty_layer": layer < 0,
	"layer": layer,
	"instruction": instruction,
	"build_args": [],
	"run": hist_run(instruction, created_by),
	"origin": origin(i),
	"location": null,
}

hist_run(instruction, created_by) := object.get(hx.runs, created_by, null) if instruction == "RUN"

else := null

# run_hist(index, created_by, layer): a RUN history entry whose run facts
# must be among the generated fixtures (undefined otherwise: add the record
# to historyFixtureCases in pkg/image/history_fixtures_test.go and
# regenerate). Tests of rules that judge recorded commands use it.
run_hist(i, created_by, layer) := h if {
	_ := hx.runs[created_by]
	h := hist(i, "RUN", created_by, layer)
}

origin(i) := "base" if i < 2

else := "own"

# layer(index, history): a layer created by that history entry.
layer(i, h) := {
	"index": i,
	"digest": sprintf("sha256:%064d", [i]),
	"diff_id": sprintf("sha256:%064d", [i + 100]),
	"size": 1024 * (i + 1),
	"files": 10,
	"history": h,
	"origin": origin(h),
	"location": null,
}

default_history := [
	hist(0, "ADD", "ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit", 0),
	hist(1, "CMD", "CMD [\"/bin/sh\"]", -1),
	hist(2, "RUN", "RUN /bin/sh -c apk add --no-cache python3 # buildkit", 1),
	hist(3, "COPY", "COPY . /app # buildkit", 2),
]

default_layers := [layer(0, 0), layer(1, 2), layer(2, 3)]

# with_history(entries): history and layers for a list of entries: every
# entry with layer >= 0 gets its layer.
with_history(entries) := {
	"history": entries,
	"layers": [layer(h.layer, h.index) | some h in entries; h.layer >= 0],
}

# --- users --------------------------------------------------------------------

passwd(name, uid) := {"name": name, "uid": uid, "gid": uid, "home": sprintf("/home/%s", [name]), "shell": "/bin/sh"}

root_user := {"name": "root", "uid": 0, "gid": 0, "home": "/root", "shell": "/bin/sh"}

# resolved(spec, uid, known, name): ResolvedUser.
resolved(spec, uid, known, name) := {
	"spec": spec,
	"uid": uid,
	"gid": uid,
	"uid_known": known,
	"gid_known": known,
	"name": name,
}

# user_doc(spec, resolved): the config User and its resolution.
user_doc(spec, res) := {"config": {"user": spec}, "user": res}

# --- exec -------------------------------------------------------------------------

no_exec := {
	"argv": [],
	"from_entrypoint": false,
	"program": "",
	"path": "",
	"found": false,
	"executable": false,
	"kind": "",
	"interpreter_found": false,
	"runnable": false,
	"layer": -1,
	"drops_privileges": false,
	"drop_tools": [],
}

# exec_elf(argv, path, layer): argv[0] resolves to a runnable ELF file at path.
exec_elf(argv, path, l) := object.union(no_exec, {
	"argv": argv,
	"program": argv[0],
	"path": path,
	"found": true,
	"executable": true,
	"kind": "elf",
	"interpreter": "/lib/ld-musl-x86_64.so.1",
	"interpreter_found": true,
	"runnable": true,
	"layer": l,
})

# exec_script(argv, path, interpreter, layer): argv[0] is a #! script (the
# interpreter is the first word of the #! line).
exec_script(argv, path, interp, l) := object.union(exec_elf(argv, path, l), {"kind": "script", "interpreter": interp})

# exec_dropping(argv, path, tools): argv[0] is a shell script that runs
# these privilege-drop tools, which are in the image.
exec_dropping(argv, path, tools) := object.union(exec_script(argv, path, "/bin/sh", 2), {"drops_privileges": true, "drop_tools": tools})

# exec_missing(argv): argv[0] is not in the image.
exec_missing(argv) := object.union(no_exec, {"argv": argv, "program": argv[0]})

# exec_doc(exec, entrypoint, cmd): Exec plus the config it comes from.
exec_doc(e, ep, cmd) := {"exec": object.union(e, {"from_entrypoint": count(ep) > 0}), "config": {"entrypoint": ep, "cmd": cmd}}

# --- programs -----------------------------------------------------------------------

# prog(path, layer): a program that is its own file.
prog(path, l) := {"path": path, "target": path, "layer": l}

# applet(path, layer): a BusyBox applet (a link to /bin/busybox).
applet(path, l) := {"path": path, "target": "/bin/busybox", "layer": l}

# --- packages -----------------------------------------------------------------------

pkg(name, l) := {"name": name, "version": "1.0-r0", "arch": "x86_64", "virtual": false, "depends": [], "layer": l}

virtual_pkg(name, depends, l) := object.union(pkg(name, l), {"version": "20240101.120000", "arch": "noarch", "virtual": true, "depends": depends})

packages(manager, list) := {"packages": {"manager": manager, "list": list}}

# --- ELF files ---------------------------------------------------------------------

musl_loader := "/lib/ld-musl-x86_64.so.1"

glibc_loader := "/lib64/ld-linux-x86-64.so.2"

elf_file(path, l, over) := object.union(
	{
		"path": path,
		"layer": l,
		"type": "dyn",
		"shared_lib": false,
		"machine": "x86_64",
		"interpreter_found": true,
		"needed": [],
		"needs_glibc": false,
		"needs_musl": false,
	},
	over,
)

# glibc_exec(path, layer, loader_found): a glibc executable.
glibc_exec(path, l, found) := elf_file(path, l, {"interpreter": glibc_loader, "interpreter_found": found, "needed": ["libc.so.6"], "needs_glibc": true})

# glibc_lib(path, layer): a glibc shared library (no interpreter).
glibc_lib(path, l) := elf_file(path, l, {"shared_lib": true, "needed": ["libc.so.6"], "needs_glibc": true})

# musl_exec(path, layer, loader_found): a musl executable.
musl_exec(path, l, found) := elf_file(path, l, {"interpreter": musl_loader, "interpreter_found": found, "needed": ["libc.musl-x86_64.so.1"], "needs_musl": true})

# --- wheels ---------------------------------------------------------------------------

wheel(path, tags, l) := {
	"path": path,
	"layer": l,
	"tags": tags,
	"manylinux": count([t | some t in tags; contains(t, "manylinux")]) > 0,
	"musllinux": count([t | some t in tags; contains(t, "musllinux")]) > 0,
}

# --- files ------------------------------------------------------------------------------

file_ref(path, typ, mode, l, owner_pkg) := {"path": path, "type": typ, "mode": mode, "uid": 0, "gid": 0, "layer": l, "package": owner_pkg}

# match(masked): a secrets.Match.
match(masked) := {
	"rule": "private-key",
	"description": "Private key",
	"masked": masked,
	"fingerprint": "0123456789abcdef",
	"line": 1,
	"column": 1,
	"key": "",
	"confidence": "high",
}

cred_file(path, kind, l, removed_in, owner_pkg) := {
	"path": path,
	"kind": kind,
	"layer": l,
	"removed_in": removed_in,
	"package": owner_pkg,
	"secret": match("-----BEGIN…(1679 chars)"),
}

# secret(source, name, history, over): an image Secret.
secret(source, name, h, over) := object.union(
	{
		"rule": "generic-assignment",
		"description": "Generic password assignment",
		"masked": "Xk9m…(20 chars)",
		"fingerprint": "fedcba9876543210",
		"line": 1,
		"column": 1,
		"key": name,
		"confidence": "medium",
		"source": source,
		"name": name,
		"history": h,
		"layer": -1,
		"removed_in": -1,
	},
	over,
)

# --- documents ------------------------------------------------------------------------

alpine_os := {
	"id": "alpine",
	"name": "Alpine Linux",
	"pretty_name": "Alpine Linux v3.20",
	"version_id": "3.20.3",
}

debian_os := {
	"id": "debian",
	"name": "Debian GNU/Linux",
	"pretty_name": "Debian GNU/Linux 12 (bookworm)",
	"version": "12 (bookworm)",
	"version_id": "12",
	"version_codename": "bookworm",
}

base_doc := {
	"schema_version": "hardline.image/v1.4",
	"kind": "image",
	"image": {
		"ref": "example.com/team/app:1.0",
		"name": "example.com/team/app:1.0",
		"transport": "docker-archive",
		"os": "linux",
		"architecture": "amd64",
	},
	"config": {
		"user": "",
		"entrypoint": [],
		"cmd": [],
		"env": [{"name": "PATH", "value": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "secret": false}],
		"working_dir": "/app",
		"exposed_ports": [],
		"labels": {},
		"healthcheck": null,
		"volumes": [],
	},
	"history": default_history,
	"layers": default_layers,
	"os": alpine_os,
	"libc": {"kind": "musl", "loaders": [musl_loader], "glibc_library": false},
	"packages": {"manager": "apk", "list": [pkg("musl", 0), pkg("busybox", 0), pkg("python3", 1)]},
	"users": [root_user, passwd("nobody", 65534)],
	"groups": [{"name": "root", "gid": 0, "members": []}],
	"user": resolved("", 0, true, "root"),
	"exec": no_exec,
	"programs": {},
	"elf": [],
	"wheels": [],
	"setuid": [],
	"world_writable": [],
	"credential_files": [],
	"secrets": [],
	"skipped": [],
	"dockerfile": null,
	"warnings": [],
}

# image_doc(over): the Alpine image merged with over.
image_doc(over) := object.union(base_doc, over)

debian_base := object.union(base_doc, {
	"os": debian_os,
	"libc": {"kind": "glibc", "loaders": [glibc_loader], "glibc_library": true},
	"packages": {"manager": "dpkg", "list": [pkg("libc6", 0), pkg("bash", 0)]},
	"history": [
		hist(0, "ADD", "# debian.sh --arch 'amd64' out/ 'bookworm' '@1717977600'", 0),
		hist(1, "CMD", "CMD [\"bash\"]", -1),
		hist(2, "RUN", "RUN /bin/sh -c apt-get update && apt-get install -y python3 # buildkit", 1),
		hist(3, "COPY", "COPY . /app # buildkit", 2),
	],
})

# debian_doc(over): a Debian image merged with over.
debian_doc(over) := object.union(debian_base, over)
