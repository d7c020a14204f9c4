package hardline.rules.update_without_install_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
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

# --- images ---------------------------------------------------------------------

# keys(entries): [key, history entry, layer or -1] of the findings on an
# image with that history.
keys(entries) := {[f.key, f.history, object.get(f, "layer", -1)] |
	some f in rule.deny with input as ix.image_doc(ix.with_history(entries))
}

# The records are parsed by pkg/image (image_history_fixtures_test.rego):
# BuildKit and classic styles, build arguments, a wrapper, a chain that
# runs something else, and an update followed by an unrelated command.
test_image_update_alone if {
	keys([
		ix.hist(0, "ADD", "ADD rootfs.tar.gz / # buildkit", 0),
		ix.run_hist(1, "RUN /bin/sh -c apt-get update # buildkit", 1),
		ix.run_hist(2, "/bin/sh -c apk update", 2),
		ix.run_hist(3, "RUN /bin/sh -c sudo apt-get update # buildkit", 3),
		ix.run_hist(4, "RUN |1 V=1 /bin/sh -c set -eux; dnf makecache; mkdir -p /opt/app # buildkit", 4),
		ix.run_hist(5, "RUN /bin/sh -c apt-get update && sudo chown -R app /app # buildkit", 5),
	]) == {["apt", 1, 1], ["apk", 2, 2], ["apt", 3, 3], ["dnf", 4, 4], ["apt", 5, 5]}
}

test_image_message if {
	d := ix.image_doc(ix.with_history([ix.run_hist(0, "RUN /bin/sh -c apt-get update # buildkit", 0)]))
	fs := rule.deny with input as d
	count(fs) == 1
	some f in fs
	f.msg == "`apt-get update` runs alone in the RUN of history entry 0: its layer is cached, so an install in a later RUN can use a stale package index"
	not f.location
	not f.stage
}

# An update with an install or upgrade in the same RUN, with apk's own
# `add --update`, before a script or a shell that may install, in a RUN that
# does not parse, or only mentioned in text: nothing to report.
test_image_update_with_install_ok if {
	count(keys([
		ix.run_hist(0, "RUN /bin/sh -c apt-get update && apt-get install -y python3 # buildkit", 0),
		ix.run_hist(1, "/bin/sh -c apt-get update; apt-get install -y --allow-unauthenticated foo", 1),
		ix.run_hist(2, "RUN |2 A=1 B=2 /bin/sh -c apt-get update \\\n && sudo apt-get install -y \\\n    sudo # buildkit", 2),
		ix.run_hist(3, "RUN /bin/sh -c apk add --update curl # buildkit", 3),
		ix.run_hist(4, "RUN /bin/sh -c apk update && apk upgrade # buildkit", 4),
		ix.run_hist(5, "RUN |2 A=1 B=2 /bin/sh -c apt-get update && curl -fsSL https://get.docker.com | sudo -E sh # buildkit", 5),
		ix.run_hist(6, "RUN /bin/sh -c apt-get update && ./install-deps.sh # buildkit", 6),
		ix.run_hist(7, "RUN /bin/sh -c apt-get update && apt-get install -y 'python3 # buildkit", 7),
		ix.run_hist(8, `RUN /bin/sh -c echo "run apt-get update first" > /NOTES # buildkit`, 8),
	])) == 0
}

# Only RUN entries carry commands: an update named in a #(nop) record, a
# LABEL or free text is not a RUN.
test_image_not_a_run_ok if {
	count(keys([
		ix.hist(0, "", "apt-get update", 0),
		ix.hist(1, "LABEL", "/bin/sh -c #(nop)  LABEL step=apt-get update", -1),
		ix.hist(2, "CMD", "/bin/sh -c #(nop)  CMD [\"apt-get\", \"update\"]", -1),
		ix.hist(3, "ENV", "ENV UPDATE=apt-get update", -1),
	])) == 0
}

# An entry that made no layer (a builder that records empty RUNs as such)
# is still a RUN that ran alone: reported on the entry, with no layer.
test_image_empty_layer_entry if {
	keys([
		ix.hist(0, "ADD", "ADD rootfs.tar.gz / # buildkit", 0),
		ix.run_hist(1, "RUN /bin/sh -c apt-get update # buildkit", -1),
		ix.run_hist(2, "RUN /bin/sh -c apt-get update && apt-get install -y python3 # buildkit", 1),
	]) == {["apt", 1, -1]}
}

# The base image's entries are judged like the others, as HL1030 and HL1031
# do (origin "base"); `--ignore-base` decides in pkg/lint whether they show.
test_image_base_entries_judged if {
	d := ix.image_doc(ix.with_history([ix.run_hist(0, "/bin/sh -c apk update", 0), ix.run_hist(2, "RUN /bin/sh -c apk add --update curl # buildkit", 1)]))
	d.history[0].origin == "base"
	{f.history | some f in rule.deny with input as d} == {0}
}

test_image_windows_not_judged if {
	d := ix.image_doc(object.union(
		ix.with_history([ix.run_hist(0, "RUN /bin/sh -c apt-get update # buildkit", 0)]),
		{"image": {"os": "windows"}},
	))
	count(rule.deny) == 0 with input as d
}

test_image_default_fixtures_clean if {
	count(rule.deny) == 0 with input as ix.image_doc({})
	count(rule.deny) == 0 with input as ix.debian_doc({})
}

# A Dockerfile document never reaches the image branch, and the other way
# round.
test_kinds_do_not_mix if {
	count(rule.deny) == 1 with input as object.union(doc([update]), ix.with_history([ix.run_hist(0, "RUN /bin/sh -c apt-get update # buildkit", 0)]))
	some f in rule.deny with input as object.union(doc([update]), ix.with_history([ix.run_hist(0, "RUN /bin/sh -c apt-get update # buildkit", 0)]))
	f.location.start_line == 2
}
