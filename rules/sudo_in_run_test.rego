package hardline.rules.sudo_in_run_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.sudo_in_run as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

one(instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base("ubuntu:24.04"), fx.ubuntu, instrs, fx.runtime({}), [0], true)], [])

# shellcmd strips sudo as a wrapper: the command is apt-get, wrapped.
wrapped(argv) := object.union(fx.command(argv), {"name": argv[(count(argv) - count(rest(argv))) - 1], "args": rest(argv), "wrappers": ["sudo"]})

# wrapped_as: shellcmd records the user `sudo -u USER` (however spelled),
# gosu or su-exec run the program as.
wrapped_as(argv, user) := object.union(wrapped(argv), {"run_as": user})

rest(argv) := array.slice(argv, i + 1, count(argv)) if {
	i := min({k | some k, a in argv; k > 0; not startswith(a, "-"); not argv[k - 1] in {"-u", "--user", "-Hu"}})
}

test_sudo_once_per_run if {
	r := fx.run(0, 2, "sudo apt-get update && sudo apt-get install -y curl", [wrapped(["sudo", "apt-get", "update"]), wrapped(["sudo", "apt-get", "install", "-y", "curl"])], [])
	fs := findings(one([r]))
	count(fs) == 1
	some f in fs
	startswith(f.msg, "sudo runs apt-get in a RUN of stage 0")
}

test_sudo_u_drops_ok if {
	r := fx.run(0, 2, "sudo -u node npm i -g x", [wrapped_as(["sudo", "-u", "node", "npm", "i", "-g", "x"], "node")], [])
	count(findings(one([r]))) == 0
}

test_sudo_in_string_ok if {
	r := fx.run(0, 2, "echo 'sudo make me a sandwich'", [fx.command(["echo", "sudo make me a sandwich"])], [])
	count(findings(one([r]))) == 0
}

test_dev_container_ok if {
	r := fx.run(0, 2, "sudo apt-get update", [wrapped(["sudo", "apt-get", "update"])], [])
	count(findings(object.union(one([r]), {"file": ".devcontainer/Dockerfile"}))) == 0
}

test_image_history if {
	d := ix.image_doc(ix.with_history([
		ix.hist(0, "ADD", "ADD rootfs.tar.gz / # buildkit", 0),
		ix.run_hist(1, "RUN /bin/sh -c sudo apt-get update # buildkit", 1),
		ix.run_hist(2, "RUN /bin/sh -c apt-get install -y sudo # buildkit", 2),
		ix.run_hist(3, "RUN /bin/sh -c apt-get install -y sudo curl # buildkit", 3),
		ix.run_hist(4, "RUN /bin/sh -c apk add --no-cache sudo openssh-server # buildkit", 4),
		ix.run_hist(5, "RUN /bin/sh -c apt-get update && sudo chown -R app /app # buildkit", 5),
		ix.run_hist(6, "|1 X=y /bin/sh -c echo $(sudo id -u) # buildkit", 6),
		ix.run_hist(7, "RUN /bin/sh -c echo sudo make me a sandwich # buildkit", 7),
	]))
	{f.history | some f in findings(d)} == {1, 5, 6}
}

# sudo as a command in every recording style (classic, BuildKit with build
# arguments, a chain across line continuations that also installs the sudo
# package: one finding), with options (-E); not sudo -u USER, which drops
# privileges, nor sudo mentioned in a quoted string.
test_image_history_parsed if {
	d := ix.image_doc(ix.with_history([
		ix.run_hist(0, "/bin/sh -c sudo make install", 0),
		ix.run_hist(1, "RUN |2 A=1 B=2 /bin/sh -c apt-get update \\\n && sudo apt-get install -y \\\n    sudo # buildkit", 1),
		ix.run_hist(2, "RUN /bin/sh -c sudo -E make install # buildkit", 2),
		ix.run_hist(3, "RUN /bin/sh -c sudo -u app make # buildkit", 3),
		ix.run_hist(4, `RUN /bin/sh -c echo "x; sudo make install" > /README # buildkit`, 4),
	]))
	fs := findings(d)
	count(fs) == 3
	{f.history | some f in fs} == {0, 1, 2}
	every f in fs {
		f.key == "sudo"
		f.msg == sprintf("sudo is used in the RUN of history entry %d: build steps already run as root unless a USER says otherwise, and a build user with passwordless sudo stays root-capable in the image", [f.history])
	}
}

# Running as another user drops privileges; as root (by name or id), or
# with -u as the program's own option (no run_as), it does not.
test_sudo_run_as_drops_ok if {
	count(findings(one([fx.run(0, 2, "sudo …", [
		wrapped_as(["sudo", "--user=node", "npm", "i", "-g", "x"], "node"),
		wrapped_as(["sudo", "-Hu", "node", "npm", "i", "-g", "x"], "node"),
	], [])]))) == 0
}

test_sudo_run_as_root_or_none_reported if {
	count(findings(one([fx.run(0, 2, "sudo apt-get -u upgrade", [wrapped(["sudo", "apt-get", "-u", "upgrade"])], [])]))) == 1
	every u in ["root", "0", "#0", "ROOT"] {
		count(findings(one([fx.run(0, 2, "sudo -u root make", [wrapped_as(["sudo", "-u", u, "make"], u)], [])]))) == 1
	}
}
