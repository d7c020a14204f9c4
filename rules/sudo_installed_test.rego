package hardline.rules.sudo_installed_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.sudo_installed as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

one(instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base("debian:12"), fx.debian, instrs, fx.runtime({}), [0], true)], [])

install(line, pkgs) := fx.run(0, line, "apt-get install", [fx.command(array.concat(["apt-get", "install", "-y"], pkgs))], [fx.op("apt", "install", pkgs, 0)])

test_sudo_installed if {
	fs := findings(one([install(2, ["curl", "sudo"])]))
	count(fs) == 1
	some f in fs
	f.key == "package:sudo"
	f.location.start_line == 2
}

test_sudo_removed_later_ok if {
	rm := fx.run(1, 3, "apt-get purge sudo", [fx.command(["apt-get", "purge", "-y", "sudo"])], [fx.op("apt", "remove", ["sudo"], 0)])
	count(findings(one([install(2, ["sudo"]), rm]))) == 0
}

test_sudo_removed_before_install_still_reported if {
	rm := fx.run(0, 2, "apt-get purge sudo", [fx.command(["apt-get", "purge", "-y", "sudo"])], [fx.op("apt", "remove", ["sudo"], 0)])
	count(findings(one([rm, object.union(install(3, ["sudo"]), {"index": 1})]))) == 1
}

test_virtual_package_removed_ok if {
	add := fx.run(0, 2, "apk add", [fx.command(["apk", "add", "--virtual", ".tmp", "sudo"]), fx.command(["apk", "del", ".tmp"])], [object.union(fx.op("apk", "install", ["sudo"], 0), {"virtual": ".tmp"}), fx.op("apk", "remove", [".tmp"], 1)])
	count(findings(one([add]))) == 0
}

test_builder_stage_ok if {
	b := fx.stage(0, "build", 1, fx.image_base("debian:12"), fx.debian, [install(2, ["sudo"])], fx.runtime({}), [0], false)
	final := fx.stage(1, "", 3, fx.image_base("debian:12"), fx.debian, [], fx.runtime({}), [1], true)
	count(findings(fx.doc([b, final], []))) == 0
}

test_dev_container_ok if {
	d := object.union(one([install(2, ["sudo"])]), {"file": ".devcontainer/Dockerfile"})
	count(findings(d)) == 0
}

test_image_package if {
	fs := findings(ix.debian_doc(ix.packages("dpkg", [ix.pkg("libc6", 0), ix.pkg("sudo", 1)])))
	count(fs) == 1
	some f in fs
	f.layer == 1
	f.key == "package:sudo"
}

test_image_program_without_database if {
	d := ix.image_doc(object.union(ix.packages("", []), {"programs": {"sudo": [ix.prog("/usr/bin/sudo", 2)]}}))
	some f in findings(d)
	f.path == "/usr/bin/sudo"
}

test_image_clean if count(findings(ix.image_doc({}))) == 0
