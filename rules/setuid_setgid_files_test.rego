package hardline.rules.setuid_setgid_files_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.setuid_setgid_files

findings(doc) := fs if {
	fs := setuid_setgid_files.deny with input as doc
}

image_findings(over) := findings(ix.image_doc(over))

debian_setuid := [
	ix.file_ref("/bin/su", "file", "4755", 0, "util-linux"),
	ix.file_ref("/bin/mount", "file", "4755", 0, "mount"),
	ix.file_ref("/bin/umount", "file", "4755", 0, "mount"),
	ix.file_ref("/usr/bin/passwd", "file", "4755", 0, "passwd"),
	ix.file_ref("/usr/bin/chsh", "file", "4755", 0, "passwd"),
	ix.file_ref("/usr/bin/chfn", "file", "4755", 0, "passwd"),
	ix.file_ref("/usr/bin/gpasswd", "file", "4755", 0, "passwd"),
	ix.file_ref("/usr/bin/newgrp", "file", "4755", 0, "login"),
	object.union(ix.file_ref("/usr/bin/chage", "file", "2755", 0, "passwd"), {"gid": 42}),
	object.union(ix.file_ref("/usr/bin/expiry", "file", "2755", 0, "passwd"), {"gid": 42}),
	object.union(ix.file_ref("/sbin/unix_chkpwd", "file", "2755", 0, "libpam-modules-bin"), {"gid": 42}),
]

# A stock Debian image: one finding, not eleven.
test_package_owned_grouped if {
	fs := image_findings({"setuid": debian_setuid})
	count(fs) == 1
	some f in fs
	f.key == "package-owned:libpam-modules-bin,login,mount,passwd,util-linux"
	f.layer == 0
	f.history == 0
	not f.path
	startswith(f.msg, "11 setuid/setgid files from OS packages added in layer 0: /bin/mount (setuid, mount), /bin/su (setuid, util-linux), /bin/umount (setuid, mount), /sbin/unix_chkpwd (setgid, libpam-modules-bin), /usr/bin/chage (setgid, passwd), ")
	contains(f.msg, " and 1 more; remove the special bits")
}

# A file the build made setuid: its own finding.
test_user_added_setuid if {
	own := ix.file_ref("/usr/local/bin/netdiag", "file", "4755", 2, "")
	fs := image_findings({"setuid": array.concat(debian_setuid, [own])})
	count(fs) == 2
	some f in fs
	f.key == "/usr/local/bin/netdiag"
	f.path == "/usr/local/bin/netdiag"
	f.layer == 2
	f.history == 3
	f.msg == "setuid file /usr/local/bin/netdiag (mode 4755) added in layer 2, not owned by an OS package: it runs as UID 0 whoever starts it"
}

test_setgid_and_both_bits if {
	g := object.union(ix.file_ref("/app/bin/report", "file", "2755", 2, ""), {"gid": 50})
	b := object.union(ix.file_ref("/app/bin/tool", "file", "6755", 2, ""), {"uid": 1000, "gid": 50})
	fs := image_findings({"setuid": [g, b]})
	some f in fs
	f.key == "/app/bin/report"
	contains(f.msg, "setgid file /app/bin/report (mode 2755)")
	contains(f.msg, "it runs with group 50 whoever starts it")
	some x in fs
	x.key == "/app/bin/tool"
	contains(x.msg, "setuid+setgid file /app/bin/tool (mode 6755)")
	contains(x.msg, "it runs as UID 1000 and group 50")
}

# sudo installed by the image's own build: a finding of its own layer.
test_package_owned_per_layer if {
	sudo := ix.file_ref("/usr/bin/sudo", "file", "4755", 1, "sudo")
	fs := image_findings({"setuid": array.concat(debian_setuid, [sudo])})
	{[f.layer, f.key] | some f in fs} == {[0, "package-owned:libpam-modules-bin,login,mount,passwd,util-linux"], [1, "package-owned:sudo"]}
	some f in fs
	f.layer == 1
	f.msg == "1 setuid/setgid file from OS packages added in layer 1: /usr/bin/sudo (setuid, sudo); remove the special bits or the packages if the container does not need them"
}

# Setgid directories only set the group of new files.
test_setgid_directory_not_flagged if {
	d := [ix.file_ref("/var/mail", "dir", "2775", 0, ""), ix.file_ref("/var/local", "dir", "2775", 0, "base-files")]
	count(image_findings({"setuid": d})) == 0
}

test_no_setuid_files if {
	count(image_findings({})) == 0
}

test_unknown_layer if {
	some f in image_findings({"setuid": [ix.file_ref("/opt/x", "file", "4711", -1, "")]})
	not f.layer
	contains(f.msg, "(mode 4711) in the image, not owned")
}

# Image-only rule: nothing on a Dockerfile document, even one carrying the
# field.
test_dockerfile_document_ignored if {
	st := fx.stage(0, "", 1, fx.image_base("debian:12"), fx.debian, [], fx.runtime({}), [0], true)
	d := object.union(fx.doc([st], []), {"setuid": [ix.file_ref("/usr/local/bin/netdiag", "file", "4755", 2, "")]})
	count(findings(d)) == 0
}

# --- Dockerfiles ----------------------------------------------------------------

df(instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base("debian:12"), fx.debian, instrs, fx.runtime({}), [0], true)], [])

df_run(line, argvs) := fx.run(line - 2, line, "script", [fx.command(a) | some a in argvs], [])

df_keys(instrs) := {f.key | some f in findings(df(instrs))}

test_df_setuid_forms if {
	ks := df_keys([df_run(2, [
		["chmod", "u+s", "/usr/local/bin/a"],
		["chmod", "4755", "/usr/local/bin/b"],
		["chmod", "+s", "/sbin/gosu"],
		["install", "-m", "6755", "tool", "/usr/local/bin/c"],
	])])
	ks == {"mode:u+s:/usr/local/bin/a", "mode:4755:/usr/local/bin/b", "mode:+s:/sbin/gosu", "mode:6755:/usr/local/bin/c"}
}

test_df_message if {
	some f in findings(df([df_run(2, [["chmod", "+s", "/sbin/gosu"]])]))
	f.msg == "chmod +s sets the setuid+setgid bit on /sbin/gosu in stage 0: the program runs as the file's owner (root, unless chowned) whoever starts it"
	f.location.start_line == 2
}

test_df_copy_chmod if {
	cp := object.union(fx.copy(0, 3, ["netdiag"], "/usr/local/bin/netdiag", "", -1), {"copy": {"sources": ["netdiag"], "dest": "/usr/local/bin/netdiag", "from_stage": -1, "chmod": "4755"}})
	df_keys([cp]) == {"mode:4755:/usr/local/bin/netdiag"}
}

# setgid on directories is the group-inheritance idiom; on a program it is
# reported.
test_df_setgid_dirs_ok if {
	count(df_keys([df_run(2, [
		["chmod", "g+s", "/srv/share"],
		["chmod", "-R", "2775", "/var/www"],
		["mkdir", "-p", "-m", "2775", "/data"],
	])])) == 0
	df_keys([df_run(2, [["chmod", "g+s", "/usr/bin/crontab"]])]) == {"mode:g+s:/usr/bin/crontab"}
}

test_df_cleared_later_ok if {
	count(df_keys([
		df_run(2, [["chmod", "u+s", "/usr/local/bin/a"]]),
		df_run(3, [["chmod", "u-s", "/usr/local/bin/a"]]),
	])) == 0
	count(df_keys([
		df_run(2, [["chmod", "4755", "/usr/local/bin/a"]]),
		df_run(3, [["find", "/", "-xdev", "-perm", "/6000", "-type", "f", "-exec", "chmod", "a-s", "{}", "+"]]),
	])) == 0
	count(df_keys([df_run(2, [["chmod", "u+s", "/tmp/x"], ["rm", "-f", "/tmp/x"]])])) == 0
}

# The cleanup ran before the bit was set: still reported.
test_df_cleanup_before_reported if {
	df_keys([df_run(2, [["find", "/", "-perm", "/6000", "-exec", "chmod", "a-s", "{}", "+"], ["chmod", "u+s", "/usr/bin/ping"]])]) == {"mode:u+s:/usr/bin/ping"}
}

test_df_builder_stage_ok if {
	b := fx.stage(0, "build", 1, fx.image_base("debian:12"), fx.debian, [df_run(2, [["chmod", "u+s", "/out/tool"]])], fx.runtime({}), [0], false)
	final := fx.stage(1, "", 3, fx.image_base("debian:12"), fx.debian, [], fx.runtime({}), [1], true)
	count(findings(fx.doc([b, final], []))) == 0
}

test_df_removing_bits_ok if count(df_keys([df_run(2, [["chmod", "u-s,g-s", "/usr/bin/su"], ["chmod", "755", "/usr/local/bin/x"]])])) == 0
