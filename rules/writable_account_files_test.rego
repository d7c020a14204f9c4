package hardline.rules.writable_account_files_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.writable_account_files as rule

doc(instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, instrs, fx.runtime({}), [0], true)], [])

cmd_run(argv) := fx.run(0, 2, concat(" ", argv), [fx.command(argv)], [])

keys(d) := {f.key | some f in rule.deny with input as d}

test_chmod_g_eq_u if {
	fs := rule.deny with input as doc([cmd_run(["chmod", "g=u", "/etc/passwd"])])
	count(fs) == 1
	some f in fs
	contains(f.msg, "writable by its group")
	f.location.start_line == 2
}

test_chmod_octal_and_recursive if {
	keys(doc([cmd_run(["chmod", "666", "/etc/shadow", "/etc/group"])])) == {"chmod:/etc/shadow,/etc/group"}
	keys(doc([cmd_run(["chmod", "-R", "g+w", "/etc"])])) == {"chmod:/etc/passwd,/etc/shadow,/etc/group,/etc/gshadow"}
	keys(doc([cmd_run(["chmod", "-R", "777", "/"])])) != set()
	keys(doc([cmd_run(["chmod", "g+w", "/etc/pass*"])])) == {"chmod:/etc/passwd"}
}

test_chmod_safe if {
	keys(doc([cmd_run(["chmod", "644", "/etc/passwd"])])) == set()
	keys(doc([cmd_run(["chmod", "u+w", "/etc/passwd"])])) == set()
	keys(doc([cmd_run(["chmod", "g+w", "/etc"])])) == set() # not recursive: the directory only
	keys(doc([cmd_run(["chmod", "-R", "g=u", "/etc/nginx"])])) == set()
	keys(doc([cmd_run(["chmod", "g-w", "/etc/passwd"])])) == set()
}

test_chown if {
	keys(doc([cmd_run(["chown", "app:app", "/etc/passwd"])])) == {"chown:/etc/passwd"}
	keys(doc([cmd_run(["chown", "root:root", "/etc/passwd"])])) == set()
	keys(doc([cmd_run(["chown", ":app", "/etc/passwd"])])) == set()
	keys(doc([cmd_run(["chown", "-R", "1000", "/etc"])])) != set()
}

test_copy_chown_or_chmod if {
	c := object.union(fx.copy(0, 2, ["passwd"], "/etc/passwd", "", -1), {"copy": {"chown": "app"}})
	keys(doc([c])) == {"copy:/etc/passwd"}
	m := object.union(fx.copy(0, 2, ["passwd", "group"], "/etc/", "", -1), {"copy": {"chmod": "0664"}})
	keys(doc([m])) == {"copy:/etc/passwd,/etc/group"}
	ok := fx.copy(0, 2, ["passwd"], "/etc/passwd", "", -1)
	keys(doc([ok])) == set()
}

test_builder_stage_not_reported if {
	b := fx.stage(0, "build", 1, fx.image_base("alpine:3.20"), fx.alpine, [cmd_run(["chmod", "g=u", "/etc/passwd"])], fx.runtime({}), [0], false)
	f := fx.stage(1, "", 4, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [1], true)
	count(rule.deny) == 0 with input as fx.doc([b, f], [])
}

account(path, mode, uid, gid, l) := {"path": path, "type": "file", "mode": mode, "uid": uid, "gid": gid, "layer": l}

test_image_group_writable_root_group if {
	fs := rule.deny with input as ix.image_doc({"account_files": [account("/etc/passwd", "0664", 0, 0, 2)]})
	count(fs) == 1
	some f in fs
	f.path == "/etc/passwd"
	f.layer == 2
	contains(f.msg, "writable by its group (GID 0, which containers started with an arbitrary UID run in)")
}

test_image_world_writable_and_owner if {
	some f in rule.deny with input as ix.image_doc({"account_files": [account("/etc/shadow", "0646", 0, 42, 1)]})
	contains(f.msg, "writable by everyone")
	some g in rule.deny with input as ix.image_doc({"account_files": [account("/etc/group", "0644", 1000, 1000, 1)]})
	contains(g.msg, "owned by UID 1000")
}

# The owner can chmod its file: a read-only mode does not protect it.
test_image_non_root_owner_without_write_bit if {
	fs := rule.deny with input as ix.image_doc({"account_files": [account("/etc/gshadow", "0400", 1000, 0, 0)]})
	count(fs) == 1
	some f in fs
	contains(f.msg, "owned by UID 1000, not root (an owner can always make its file writable)")
}

test_image_safe if {
	count(rule.deny) == 0 with input as ix.image_doc({"account_files": [
		account("/etc/passwd", "0644", 0, 0, 0),
		account("/etc/shadow", "0640", 0, 42, 0),
		account("/etc/gshadow", "0400", 0, 42, 0),
	]})
	count(rule.deny) == 0 with input as ix.image_doc({})
}
