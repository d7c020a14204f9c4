# METADATA
# title: sudo installed in the final image
# description: |
#   sudo lets a user become root. A container does not need it: whatever
#   needs root belongs in a build step (which runs as root anyway) or in the
#   container's start-up before it drops privileges. Shipped in an image it
#   is a privilege-escalation path for anyone who gets code execution as the
#   application user, all the more because images that install it usually
#   also grant that user passwordless sudo so that scripts keep working.
#
#   The Dockerfile branch reports sudo installed by a system package manager
#   in the final image's chain and not removed afterwards; the image branch
#   reports the sudo package of the apk/dpkg database, or a sudo program
#   when there is no package database. Development environments
#   (.devcontainer/, Dockerfile.dev), whose interactive user is meant to
#   have sudo, are not reported.
# custom:
#   id: HL1032
#   name: sudo-installed
#   severity: medium
#   tags: [privilege, packages]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2"]
#     cis-docker-1.6.0: ["4.3"]
#   remediation: |
#     Do not install sudo. Run privileged set-up in RUN steps before the
#     final USER, or in an entrypoint that starts as root and drops to the
#     application user with gosu/su-exec/setpriv.
#   examples:
#     bad: |
#       FROM debian:12-slim
#       RUN apt-get update && apt-get install -y --no-install-recommends sudo \
#        && useradd -m app && echo 'app ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/app
#       USER app
#     good: |
#       FROM debian:12-slim
#       RUN useradd -m app
#       USER app
package hardline.rules.sudo_installed

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.hardening as hd
import data.hardline.lib.image as img

deny contains r if {
	not lib.dev_environment
	some k in hd.kept_packages({"sudo", "sudo-ldap", "doas", "opendoas"})
	r := {
		"msg": sprintf("%s installs %s and the final image keeps it: anyone running code as a user allowed to use it can become root", [lib.stage_label(k.stage), k.package]),
		"location": k.instr.location,
		"stage": k.stage,
		"key": sprintf("package:%s", [k.package]),
	}
}

deny contains r if {
	img.is_image
	not img.dev_environment
	some p in img.packages
	p.name in {"sudo", "sudo-ldap", "doas", "opendoas"}
	r := img.finding(
		sprintf("the image ships the %s package (%s, installed in %s): anyone running code as a user allowed to use it can become root", [p.name, p.version, img.layer_name(p.layer)]),
		sprintf("package:%s", [p.name]),
		p.layer, -1, "",
	)
}

# Without a package database (a distroless or hand-assembled image), the
# program itself.
deny contains r if {
	img.is_image
	not img.dev_environment
	img.package_manager == ""
	count(img.present_standalone({"sudo"})) > 0
	some p in img.program_paths("sudo")
	r := img.finding(
		sprintf("the image ships sudo (%s, %s): anyone running code as a user allowed to use it can become root", [p.path, img.layer_name(p.layer)]),
		sprintf("program:%s", [p.path]),
		p.layer, -1, p.path,
	)
}
