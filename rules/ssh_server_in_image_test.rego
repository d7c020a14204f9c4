package hardline.rules.ssh_server_in_image_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.ssh_server_in_image as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

one(instrs, rt) := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, instrs, fx.runtime(rt), [0], true)], [])

apk_add(line, pkgs) := fx.run(0, line, "apk add", [fx.command(array.concat(["apk", "add"], pkgs))], [fx.op("apk", "install", pkgs, 0)])

port(p, e, proto, raw, line) := {"port": p, "end_port": e, "protocol": proto, "raw": raw, "stage": 0, "location": fx.loc(line)}

test_openssh_alpine_hint if {
	fs := findings(one([apk_add(2, ["openssh"])], {}))
	count(fs) == 1
	some f in fs
	f.key == "package:openssh"
	contains(f.msg, "install openssh-client")
}

test_client_only_ok if count(findings(one([apk_add(2, ["openssh-client", "git"])], {}))) == 0

test_sshd_cmd if {
	e := fx.exec_form(["/usr/sbin/sshd", "-D"], 0, 5)
	fs := findings(one([], {"cmd": e}))
	{f.key | some f in fs} == {"exec:sshd"}
	some f in fs
	f.location.start_line == 5
}

test_expose_22_forms if {
	ps := [port(22, 22, "tcp", "${SSH_PORT}", 4), port(20, 30, "tcp", "20-30", 5), port(22, 22, "udp", "22/udp", 6), port(2222, 2222, "tcp", "2222", 7)]
	fs := findings(one([], {"expose": ps}))
	{f.key | some f in fs} == {"expose:${SSH_PORT}", "expose:20-30"}
	some f in fs
	f.key == "expose:${SSH_PORT}"
	contains(f.msg, "EXPOSE ${SSH_PORT} (22/tcp)")
}

test_builder_stage_ok if {
	b := fx.stage(0, "build", 1, fx.image_base("alpine:3.20"), fx.alpine, [apk_add(2, ["openssh-server"])], fx.runtime({}), [0], false)
	final := fx.stage(1, "", 3, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [1], true)
	count(findings(fx.doc([b, final], []))) == 0
}

test_removed_later_ok if {
	rm := fx.run(1, 3, "apk del openssh-server", [fx.command(["apk", "del", "openssh-server"])], [fx.op("apk", "remove", ["openssh-server"], 0)])
	count(findings(one([apk_add(2, ["openssh-server"]), rm], {}))) == 0
}

test_image if {
	d := ix.debian_doc(object.union_n([
		ix.packages("dpkg", [ix.pkg("libc6", 0), ix.pkg("openssh-server", 1)]),
		ix.exec_doc(ix.exec_elf(["/usr/sbin/sshd", "-D"], "/usr/sbin/sshd", 1), [], ["/usr/sbin/sshd", "-D"]),
		{"config": {"exposed_ports": ["22/tcp", "8080/tcp"]}},
	]))
	{f.key | some f in findings(d)} == {"package:openssh-server", "exec:sshd", "expose:22/tcp"}
}

test_image_clean if count(findings(ix.image_doc({"config": {"exposed_ports": ["2222/tcp"]}}))) == 0
