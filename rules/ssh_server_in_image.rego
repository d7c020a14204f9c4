# METADATA
# title: SSH server in the image
# description: |
#   A container is managed through the container runtime (`docker exec`,
#   `kubectl exec`), not through an SSH daemon. An SSH server in the image
#   is one more network service to patch and harden, brings host keys and
#   credentials that must be managed (and often end up baked into the
#   image), and runs as root. The CIS Docker Benchmark asks that sshd not be
#   run within containers.
#
#   Reported: an SSH server package (openssh-server, Alpine's openssh,
#   dropbear, tinyssh) installed in the final image and not removed, an
#   ENTRYPOINT/CMD that starts sshd or dropbear, and port 22 exposed
#   (EXPOSE 22, 22/tcp, a range or an ARG that includes it). In images, the
#   same from the package database, the configured entrypoint and the
#   exposed ports.
# custom:
#   id: HL1034
#   name: ssh-server-in-image
#   severity: high
#   tags: [network, packages]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2"]
#     cis-docker-1.6.0: ["5.7"]
#   remediation: |
#     Remove the SSH server and the EXPOSE 22. Use `docker exec` or `kubectl
#     exec` for interactive access, and `docker cp`/volumes to move files. If
#     an SSH endpoint is the product (a Git server, an SFTP service), run it
#     as a non-root user on an unprivileged port with host keys supplied at
#     run time.
#   examples:
#     bad: |
#       FROM ubuntu:24.04
#       RUN apt-get update && apt-get install -y openssh-server
#       EXPOSE 22
#       CMD ["/usr/sbin/sshd", "-D"]
#     good: |
#       FROM ubuntu:24.04
#       COPY app /usr/local/bin/app
#       USER 10001
#       CMD ["/usr/local/bin/app"]
package hardline.rules.ssh_server_in_image

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.hardening as hd
import data.hardline.lib.image as img

ssh_packages := {"openssh-server", "openssh", "openssh-server-pam", "dropbear", "dropbear-bin", "dropbear-run", "tinyssh", "tinysshd"}

ssh_programs := {"sshd", "dropbear", "tinysshd"}

deny contains r if {
	some k in hd.kept_packages(ssh_packages)
	r := {
		"msg": sprintf("%s installs the SSH server package %s and the final image keeps it%s", [lib.stage_label(k.stage), k.package, client_hint(k.package)]),
		"location": k.instr.location,
		"stage": k.stage,
		"key": sprintf("package:%s", [k.package]),
	}
}

# Alpine's openssh pulls in the server; the client is a package of its own.
client_hint("openssh") := " (Alpine's openssh includes the server: install openssh-client when only ssh, scp or sftp are needed)"

client_hint(p) := "" if p != "openssh"

deny contains r if {
	f := lib.final_stage
	e := lib.final_exec
	some p in lib.final_image_programs
	p in ssh_programs
	r := {
		"msg": sprintf("the final image (%s) starts the SSH server %s", [lib.stage_label(f.index), p]),
		"location": e.location,
		"stage": e.stage,
		"key": sprintf("exec:%s", [p]),
	}
}

deny contains r if {
	some p in lib.list(lib.final_stage.runtime.expose)
	exposes_ssh(p)
	r := {
		"msg": sprintf("EXPOSE %s in %s publishes the SSH port 22 of the final image", [expose_text(p), lib.stage_label(p.stage)]),
		"location": p.location,
		"stage": p.stage,
		"key": sprintf("expose:%s", [p.raw]),
	}
}

# expose_text(p): the EXPOSE entry as written, with its value when an ARG
# or ENV provided it.
expose_text(p) := p.raw if regex.match(`^[0-9]+(-[0-9]+)?(/[a-z]+)?$`, p.raw)

else := sprintf("%s (%d/%s)", [p.raw, p.port, p.protocol])

exposes_ssh(p) if {
	p.protocol == "tcp"
	p.port > 0
	p.port <= 22
	22 <= max({p.port, p.end_port})
}

# --- images -------------------------------------------------------------------

deny contains r if {
	img.is_image
	some p in img.packages
	p.name in ssh_packages
	r := img.finding(
		sprintf("the image ships the SSH server package %s (%s, installed in %s)", [p.name, p.version, img.layer_name(p.layer)]),
		sprintf("package:%s", [p.name]),
		p.layer, -1, "",
	)
}

deny contains r if {
	img.is_image
	some p in img.exec_started
	p in ssh_programs
	r := img.finding(
		sprintf("the image's %s starts the SSH server %s", [img.exec_which, p]),
		sprintf("exec:%s", [p]),
		-1, exec_history, "",
	)
}

exec_history := h if h := img.last_history(img.exec_which, "")

else := -1

deny contains r if {
	img.is_image
	some spec in lib.list(input.config.exposed_ports)
	port_spec(spec) in {"22/tcp", "22"}
	r := img.finding(
		sprintf("the image configuration exposes the SSH port (%s)", [spec]),
		sprintf("expose:%s", [spec]),
		-1, expose_history, "",
	)
}

port_spec(s) := lower(trim_space(s))

expose_history := h if h := img.last_history("EXPOSE", "22")

else := -1
