package hardline.rules.add_instead_of_copy_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.add_instead_of_copy as rule

doc(instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, instrs, fx.runtime({}), [0], true)], [])

test_add_local_files if {
	fs := rule.deny with input as doc([fx.add(0, 2, [".", "conf/app.ini"], "/app/")])
	count(fs) == 1
	some f in fs
	contains(f.msg, "ADD of ., conf/app.ini, which are not")
}

test_add_archives_ok if {
	count(rule.deny) == 0 with input as doc([fx.add(0, 2, ["rootfs.tar.xz", "x.TGZ", "*.tar.gz", "data.tar"], "/")])
}

test_mixed_sources_report_only_plain if {
	some f in rule.deny with input as doc([fx.add(0, 2, ["rootfs.tar.gz", "start.sh"], "/")])
	contains(f.msg, "ADD of start.sh, which is not")
}

test_remote_and_copy_not_this_rule if {
	count(rule.deny) == 0 with input as doc([fx.add(0, 2, ["https://example.com/x.tar.gz"], "/x")])
	count(rule.deny) == 0 with input as doc([fx.copy(0, 2, ["."], "/app", "", -1)])
	count(rule.deny) == 0 with input as doc([object.union(fx.add(0, 2, ["<<EOF"], "/x"), {"heredocs": [{"name": "EOF", "content": "x", "expand": true, "start_line": 3}]})])
}
