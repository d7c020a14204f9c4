# METADATA
# title: sudo used in a RUN instruction
# description: |
#   RUN steps run as root unless a USER instruction says otherwise, so sudo
#   in a Dockerfile is either redundant (a script pasted from a host's
#   install instructions, which then often needs sudo installed just for
#   the build) or a sign that the build switched to a user with
#   passwordless sudo, a configuration that stays in the image and turns
#   that user into root. Either way the build should say which user each
#   step needs with USER.
#
#   Reported once per RUN of the stages the build runs; `sudo -u USER`,
#   which drops to another user, is not reported, nor are development
#   environments (.devcontainer/, Dockerfile.dev), whose interactive user
#   is meant to have sudo. In the history of an image, the recorded RUN
#   commands are judged the same way, as parsed commands: a package named
#   sudo in an install list, or sudo in the text of an `echo`, is not a use.
# custom:
#   id: HL1033
#   name: sudo-in-run
#   severity: low
#   tags: [privilege]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2"]
#     cis-docker-1.6.0: ["4.3"]
#   remediation: |
#     Drop sudo from RUN commands: run the steps that need root before the
#     USER instruction that switches to the application user, and do not
#     configure passwordless sudo in the image.
#   examples:
#     bad: |
#       FROM ubuntu:24.04
#       RUN sudo apt-get update && sudo apt-get install -y curl
#     good: |
#       FROM ubuntu:24.04
#       RUN apt-get update && apt-get install -y curl
package hardline.rules.sudo_in_run

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.hardening as hd
import data.hardline.lib.image as img

deny contains r if {
	not lib.dev_environment
	some x in hd.built_runs
	progs := sudo_programs(x.instr.run)
	count(progs) > 0
	r := {
		"msg": sprintf("sudo runs %s in a RUN of %s: build steps already run as root unless a USER says otherwise, and a build user with passwordless sudo stays root-capable in the image", [concat(", ", sort(progs)), hd.where(x)]),
		"location": x.instr.location,
		"stage": x.stage,
		"key": "sudo",
	}
}

# sudo_programs(run): the programs a RUN runs through sudo.
sudo_programs(run) := {c.name |
	some c in run.commands
	contains(c.text, "sudo")
	sudo_command(c)
}

# `sudo -u app cmd` drops privileges to another user (run_as, however
# sudo's option was spelled): not reported.
sudo_command(c) if {
	"sudo" in lib.list(c.wrappers)
	not drops_to_user(c)
}

sudo_command(c) if c.name == "sudo"

drops_to_user(c) if {
	u := lib.str(c.run_as)
	u != ""
	not lower(u) in {"root", "0", "#0"}
}

deny contains r if {
	not img.dev_environment
	some x in hd.history_runs
	count(sudo_programs(x.instr.run)) > 0
	h := x.instr.history
	r := img.finding(
		sprintf("sudo is used in the RUN of history entry %d: build steps already run as root unless a USER says otherwise, and a build user with passwordless sudo stays root-capable in the image", [h]),
		"sudo",
		-1, h, "",
	)
}
