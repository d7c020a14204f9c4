package hardline.rules.world_writable_paths_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.world_writable_paths

findings(doc) := fs if {
	fs := world_writable_paths.deny with input as doc
}

image_findings(over) := findings(ix.image_doc(over))

# chmod -R 777 /app: one finding for /app, counting what is below it.
test_dir_and_children_collapsed if {
	entries := array.concat(
		[ix.file_ref("/app", "dir", "0777", 2, ""), ix.file_ref("/app/static", "dir", "0777", 2, "")],
		[ix.file_ref(sprintf("/app/static/f%d.css", [i]), "file", "0666", 2, "") | some i in numbers.range(1, 11)],
	)
	fs := image_findings({"world_writable": entries})
	count(fs) == 1
	some f in fs
	f.key == "/app"
	f.path == "/app"
	f.layer == 2
	f.history == 3
	f.msg == "world-writable directory /app (mode 0777, owner 0:0) added in layer 2: any user in the container can create, replace or delete files in it, and 12 entries below it are world-writable too"
}

test_single_file if {
	fs := image_findings({"world_writable": [ix.file_ref("/etc/app/config.yaml", "file", "0666", 2, "")]})
	count(fs) == 1
	some f in fs
	f.key == "/etc/app/config.yaml"
	f.msg == "world-writable file /etc/app/config.yaml (mode 0666, owner 0:0) added in layer 2: any user in the container can replace its content"
}

# Files below a directory that is not itself world-writable are reported
# one by one; a world-writable directory under a non-writable parent is a
# top of its own.
test_separate_tops if {
	entries := [
		ix.file_ref("/srv/a.txt", "file", "0666", 2, ""),
		ix.file_ref("/srv/b.txt", "file", "0666", 2, ""),
		ix.file_ref("/srv/data", "dir", "0777", 2, ""),
		ix.file_ref("/srv/data/x", "file", "0666", 2, ""),
		ix.file_ref("/var/cache/app/", "dir", "0777", 1, ""),
	]
	fs := image_findings({"world_writable": entries})
	{f.key | some f in fs} == {"/srv/a.txt", "/srv/b.txt", "/srv/data", "/var/cache/app"}
	some f in fs
	f.key == "/srv/data"
	endswith(f.msg, "and 1 entry below it is world-writable too")
	some g in fs
	g.key == "/var/cache/app"
	g.layer == 1
	endswith(g.msg, "create, replace or delete files in it")
}

# The whole file system is writable: one finding.
test_root_dir if {
	entries := [ix.file_ref("/", "dir", "0777", 2, ""), ix.file_ref("/app", "dir", "0777", 2, ""), ix.file_ref("/app/x", "file", "0666", 2, "")]
	fs := image_findings({"world_writable": entries})
	{f.key | some f in fs} == {"/"}
}

# The facts leave out sticky directories (/tmp, /var/tmp): nothing to report.
test_sticky_tmp_absent_nothing if {
	count(image_findings({})) == 0
}

test_symlinks_ignored if {
	count(image_findings({"world_writable": [ix.file_ref("/usr/bin/python", "symlink", "0777", 1, "")]})) == 0
}

# Many entries under many directories stay cheap (counting is not a
# comprehension per directory). Kept small enough for `rules test -v`.
test_many_entries if {
	dirs := [ix.file_ref(sprintf("/data/d%d", [i]), "dir", "0777", 2, "") | some i in numbers.range(1, 25)]
	files := [ix.file_ref(sprintf("/data/d%d/f%d", [(i % 25) + 1, i]), "file", "0666", 2, "") | some i in numbers.range(1, 500)]
	fs := image_findings({"world_writable": array.concat(dirs, files)})
	count(fs) == 25
	some f in fs
	f.key == "/data/d1"
	endswith(f.msg, "and 20 entries below it are world-writable too")
}

test_dockerfile_document_ignored if {
	st := fx.stage(0, "", 1, fx.image_base("debian:12"), fx.debian, [], fx.runtime({}), [0], true)
	d := object.union(fx.doc([st], []), {"world_writable": [ix.file_ref("/app", "dir", "0777", 2, "")]})
	count(findings(d)) == 0
}

# --- Dockerfiles ----------------------------------------------------------------

df(instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base("debian:12"), fx.debian, instrs, fx.runtime({}), [0], true)], [])

df_run(line, argvs) := fx.run(line - 2, line, "script", [fx.command(a) | some a in argvs], [])

df_keys(instrs) := {f.key | some f in findings(df(instrs))}

test_df_world_writable_forms if {
	ks := df_keys([df_run(2, [
		["chmod", "-R", "777", "/app"],
		["chmod", "o+w", "/etc/app.conf"],
		["chmod", "-R", "a+rwx", "/data"],
		["mkdir", "-p", "-m", "777", "/cache"],
		["install", "-d", "-m", "0777", "/spool"],
		["chmod", "666", "/var/log/app.log"],
	])])
	ks == {"mode:777:/app", "mode:o+w:/etc/app.conf", "mode:a+rwx:/data", "mode:777:/cache", "mode:0777:/spool", "mode:666:/var/log/app.log"}
}

test_df_message if {
	some f in findings(df([df_run(2, [["chmod", "-R", "777", "/app"]])]))
	f.msg == "chmod -R 777 makes /app world-writable in stage 0: any user in the container can write to it, and everything below it"
}

# Sticky directories, modes that leave others out, +w (umask), /dev.
test_df_not_world_writable if {
	count(df_keys([df_run(2, [
		["chmod", "1777", "/var/tmp/app"],
		["chmod", "a+rwxt", "/shared"],
		["chmod", "775", "/app"],
		["chmod", "+w", "/app/x"],
		["chmod", "g+w", "/app/y"],
		["chmod", "666", "/dev/null"],
		["mkdir", "-m", "755", "/z"],
	])])) == 0
}

# chmod 777 /tmp clears the sticky bit /tmp needs.
test_df_tmp_without_sticky if df_keys([df_run(2, [["chmod", "777", "/tmp"]])]) == {"mode:777:/tmp"}

test_df_removed_or_restricted_later_ok if {
	count(df_keys([df_run(2, [["chmod", "777", "/tmp/build"], ["make"], ["rm", "-rf", "/tmp/build"]])])) == 0
	count(df_keys([
		df_run(2, [["chmod", "-R", "777", "/app"]]),
		df_run(3, [["chmod", "-R", "o-w", "/app"]]),
	])) == 0
}

# Removed before it was made writable: still reported.
test_df_removed_before_reported if df_keys([df_run(2, [["rm", "-rf", "/app"], ["mkdir", "-m", "777", "/app"]])]) == {"mode:777:/app"}

test_df_copy_chmod if {
	cp := object.union(fx.copy(0, 3, ["data"], "/srv/data", "", -1), {"copy": {"sources": ["data"], "dest": "/srv/data", "from_stage": -1, "chmod": "777"}})
	df_keys([cp]) == {"mode:777:/srv/data"}
}

test_df_builder_stage_ok if {
	b := fx.stage(0, "build", 1, fx.image_base("debian:12"), fx.debian, [df_run(2, [["chmod", "-R", "777", "/src"]])], fx.runtime({}), [0], false)
	final := fx.stage(1, "", 3, fx.image_base("debian:12"), fx.debian, [], fx.runtime({}), [1], true)
	count(findings(fx.doc([b, final], []))) == 0
}
