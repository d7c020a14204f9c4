package hardline.rules.privileged_port_exposed_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.privileged_port_exposed as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

port(p, e, proto, raw, line) := {"port": p, "end_port": e, "protocol": proto, "raw": raw, "stage": 0, "location": fx.loc(line)}

with_ports(ps) := fx.doc([fx.stage(0, "", 1, fx.image_base("nginx:1.27"), fx.debian, [], fx.runtime({"expose": ps}), [0], true)], [])

test_privileged_ports if {
	ps := [
		port(80, 80, "tcp", "80", 3),
		port(53, 53, "udp", "53/udp", 3),
		port(1000, 1100, "tcp", "1000-1100", 4),
		port(443, 443, "tcp", "${HTTPS}", 5),
	]
	fs := findings(with_ports(ps))
	{f.key | some f in fs} == {"expose:80/tcp", "expose:53/udp", "expose:1000/tcp", "expose:443/tcp"}
	some f in fs
	f.key == "expose:1000/tcp"
	contains(f.msg, "ports 1000-1100/tcp are (in part) below 1024")
	some g in fs
	g.key == "expose:443/tcp"
	startswith(g.msg, "EXPOSE ${HTTPS} (443/tcp)")
}

# 22 is ssh-server-in-image's; unresolved ports (0) and 1024+ are fine.
test_not_reported if {
	ps := [port(22, 22, "tcp", "22", 3), port(0, 0, "tcp", "${PORT}", 4), port(1024, 1024, "tcp", "1024", 5), port(8080, 8080, "tcp", "8080", 6)]
	count(findings(with_ports(ps))) == 0
}

# An EXPOSE in a builder stage the final image does not inherit.
test_builder_stage_ok if {
	b := fx.stage(0, "build", 1, fx.image_base("golang:1.22"), fx.golang, [], fx.runtime({"expose": [port(80, 80, "tcp", "80", 2)]}), [0], false)
	final := fx.stage(1, "", 3, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({"expose": [port(8080, 8080, "tcp", "8080", 4)]}), [1], true)
	count(findings(fx.doc([b, final], []))) == 0
}

test_image if {
	d := ix.image_doc({"config": {"exposed_ports": ["80/tcp", "53/udp", "22/tcp", "8443/tcp"]}})
	{f.key | some f in findings(d)} == {"expose:80/tcp", "expose:53/udp"}
}
