package hardline.rules.add_remote_without_checksum_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.add_remote_without_checksum as remote

doc(instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, instrs, fx.runtime({}), [0], true)], [])

flagged(i) := object.union(i, {"flags": ["--checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d"]})

test_local_sources_not_this_rule if {
	count(remote.deny) == 0 with input as doc([fx.add(0, 2, [".", "x.tar.gz"], "/app/")])
}

test_remote_without_checksum if {
	fs := remote.deny with input as doc([fx.add(0, 2, ["https://user:pw@example.com/tool?sig=abc"], "/usr/local/bin/tool")])
	count(fs) == 1
	some f in fs
	contains(f.msg, "https://***@example.com/tool downloads without --checksum")
	not contains(f.msg, "pw")
	not contains(f.msg, "sig=abc")
}

test_remote_with_checksum_ok if {
	count(remote.deny) == 0 with input as doc([flagged(fx.add(0, 2, ["https://example.com/x.tar.gz"], "/x"))])
}

test_git_sources if {
	some f in remote.deny with input as doc([fx.add(0, 2, ["https://github.com/org/repo.git#v1.2"], "/src")])
	contains(f.msg, "not a commit hash")
	count(remote.deny) == 1 with input as doc([fx.add(0, 2, ["git@github.com:org/repo.git"], "/src")])
	count(remote.deny) == 0 with input as doc([fx.add(0, 2, ["https://github.com/org/repo.git#0123456789abcdef0123456789abcdef01234567"], "/src")])
}

# A later RUN of the stage verifies the downloaded file.
test_verified_later_ok if {
	a := fx.add(0, 2, ["https://example.com/tool-1.2.tar.gz"], "/tmp/tool.tgz")
	v := fx.run(1, 3, "echo \"abc  /tmp/tool.tgz\" | sha256sum -c -", [fx.command(["echo", "abc  /tmp/tool.tgz"]), fx.command(["sha256sum", "-c", "-"])], [])
	count(remote.deny) == 0 with input as doc([a, v])
	u := fx.run(1, 3, "tar -xzf /tmp/tool.tgz", [fx.command(["tar", "-xzf", "/tmp/tool.tgz"])], [])
	count(remote.deny) == 1 with input as doc([a, u])
	# a verification of another file does not count
	o := fx.run(1, 3, "sha256sum -c other.sha256", [fx.command(["sha256sum", "-c", "other.sha256"])], [])
	count(remote.deny) == 1 with input as doc([a, o])
}
