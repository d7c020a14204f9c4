# METADATA
# title: Privileged port exposed
# description: |
#   Ports below 1024 can only be bound by root or with the
#   CAP_NET_BIND_SERVICE capability unless the runtime lowers
#   net.ipv4.ip_unprivileged_port_start (Docker 20.10+ does; Kubernetes only
#   with that sysctl), so an image that listens on one usually runs as root or
#   needs a capability added at run time. Listening on an
#   unprivileged port (8080 instead of 80) lets the container run as a
#   non-root user with every capability dropped; the published host port can
#   still be 80. The CIS Docker Benchmark asks that privileged ports not be
#   mapped into containers.
#
#   Port 22 is reported by ssh-server-in-image instead. Off by default: 80
#   and 443 are most of what it finds in real Dockerfiles (7.5% of a corpus
#   of 1,364), and the CIS item is about run-time mappings; enable it where
#   an auditor asks for CIS 5.8 evidence.
# custom:
#   id: HL1035
#   name: privileged-port-exposed
#   severity: low
#   enabled: false
#   tags: [network]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2"]
#     cis-docker-1.6.0: ["5.8"]
#   remediation: |
#     Make the service listen on a port of 1024 or above and publish it on
#     the host port you need (`docker run -p 80:8080`, a Kubernetes Service
#     `port: 80, targetPort: 8080`). Most servers take the port from their
#     configuration or an environment variable; nginx-unprivileged and
#     similar images already listen on 8080.
#   examples:
#     bad: |
#       FROM nginx:1.27-alpine
#       EXPOSE 80
#     good: |
#       FROM nginxinc/nginx-unprivileged:1.27-alpine
#       EXPOSE 8080
package hardline.rules.privileged_port_exposed

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.image as img

deny contains r if {
	not lib.final_stage.windows
	some p in lib.list(lib.final_stage.runtime.expose)
	privileged(p.port, p.protocol)
	not ssh_port(p.port, p.protocol)
	r := {
		"msg": sprintf("EXPOSE %s in %s: %s below 1024, so the process must run as root or be granted CAP_NET_BIND_SERVICE to listen on it", [expose_text(p), lib.stage_label(p.stage), port_text(p)]),
		"location": p.location,
		"stage": p.stage,
		"key": sprintf("expose:%d/%s", [p.port, p.protocol]),
	}
}

expose_text(p) := p.raw if regex.match(`^[0-9]+(-[0-9]+)?(/[a-z]+)?$`, p.raw)

else := sprintf("%s (%d/%s)", [p.raw, p.port, p.protocol])

privileged(port, _) if {
	port > 0
	port < 1024
}

ssh_port(22, "tcp")

port_text(p) := sprintf("port %d/%s is", [p.port, p.protocol]) if p.end_port <= p.port

else := sprintf("ports %d-%d/%s are (in part)", [p.port, p.end_port, p.protocol]) if p.end_port >= 1024

else := sprintf("ports %d-%d/%s are", [p.port, p.end_port, p.protocol])

# --- images -------------------------------------------------------------------

deny contains r if {
	img.is_image
	not img.windows
	some spec in lib.list(input.config.exposed_ports)
	parts := split(lower(trim_space(spec)), "/")
	port := to_number(parts[0])
	proto := protocol(parts)
	privileged(port, proto)
	not ssh_port(port, proto)
	r := img.finding(
		sprintf("the image configuration exposes %s: the port is below 1024, so the process must run as root or be granted CAP_NET_BIND_SERVICE to listen on it", [spec]),
		sprintf("expose:%d/%s", [port, proto]),
		-1, expose_history(parts[0]), "",
	)
}

protocol(parts) := parts[1] if count(parts) > 1

else := "tcp"

expose_history(port) := h if h := img.last_history("EXPOSE", port)

else := -1
