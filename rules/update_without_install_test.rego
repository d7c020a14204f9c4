package hardline.rules.update_without_install_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.update_without_install as rule

doc(instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base("debian:12"), fx.debian, instrs, fx.runtime({}), [0], true)], [])

update := fx.run(0, 2, "apt-get update", [fx.command(["apt-get", "update"])], [fx.op("apt", "update", [], 0)])

test_update_alone if {
	fs := rule.deny with input as doc([update])
	count(fs) == 1
	some f in fs
	f.location.start_line == 2
	contains(f.msg, "`apt-get update` runs alone")
}

test_apk_and_dnf_makecache_alone if {
	apk := fx.run(0, 2, "apk update", [fx.command(["apk", "update"])], [fx.op("apk", "update", [], 0)])
	count(rule.deny) == 1 with input as doc([apk])
	dnf := fx.run(0, 2, "dnf makecache", [fx.command(["dnf", "makecache"])], [fx.op("dnf", "update", [], 0)])
	some f in rule.deny with input as doc([dnf])
	contains(f.msg, "`dnf makecache`")
}

# Continuation lines, comments and heredocs are gone by the time the facts
# are built: the install is in the same RUN.
test_update_and_install_ok if {
	r := fx.run(0, 2, "apt-get update && apt-get install -y curl", [fx.command(["apt-get", "update"]), fx.command(["apt-get", "install", "-y", "curl"])], [fx.op("apt", "update", [], 0), fx.op("apt", "install", ["curl"], 1)])
	count(rule.deny) == 0 with input as doc([r])
}

test_update_and_upgrade_ok if {
	r := fx.run(0, 2, "apk update && apk upgrade", [fx.command(["apk", "update"]), fx.command(["apk", "upgrade"])], [fx.op("apk", "update", [], 0), fx.op("apk", "upgrade", [], 1)])
	count(rule.deny) == 0 with input as doc([r])
}

test_update_then_script_ok if {
	r := fx.run(0, 2, "apt-get update && /tmp/install-deps.sh", [fx.command(["apt-get", "update"]), fx.command(["/tmp/install-deps.sh"])], [fx.op("apt", "update", [], 0)])
	count(rule.deny) == 0 with input as doc([r])
	p := fx.run(0, 2, "apt-get update && curl -fsSL https://x | bash -", [fx.command(["apt-get", "update"]), fx.command(["curl", "-fsSL", "https://x"]), fx.command(["bash", "-"])], [fx.op("apt", "update", [], 0)])
	count(rule.deny) == 0 with input as doc([p])
}

test_update_then_unclassified_apt_ok if {
	r := fx.run(0, 2, "apt-get update && apt-get build-dep -y foo", [fx.command(["apt-get", "update"]), fx.command(["apt-get", "build-dep", "-y", "foo"])], [fx.op("apt", "update", [], 0), fx.op("apt", "other", [], 1)])
	count(rule.deny) == 0 with input as doc([r])
}

# A builder stage is checked too.
test_builder_stage if {
	b := fx.stage(0, "build", 1, fx.image_base("debian:12"), fx.debian, [update], fx.runtime({}), [0], false)
	f := fx.stage(1, "", 4, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [1], true)
	count(rule.deny) == 1 with input as fx.doc([b, f], [])
}

test_no_update_no_finding if {
	r := fx.run(0, 2, "echo hi", [fx.command(["echo", "hi"])], [])
	count(rule.deny) == 0 with input as doc([r])
}
