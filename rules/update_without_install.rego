# METADATA
# title: Package index update alone in a RUN
# description: |
#   `apt-get update`, `apk update`, `yum makecache`, `dnf makecache` or
#   `zypper refresh` in a RUN of its own is cached as a layer of its own.
#   The next build reuses that layer, so the install in a later RUN works
#   from an index that can be weeks old: it installs outdated, possibly
#   vulnerable package versions, or fails when the mirror has dropped
#   them. Refreshing the index and installing in the same RUN keeps the two
#   together in one cache entry.
#
#   A RUN is not reported when it also installs or upgrades packages, or
#   runs something that may (a shell script, `sh -c`, a package manager
#   command hardline does not classify), including across continuation
#   lines with comments and in heredoc RUNs. Every stage is checked:
#   builder stages install the toolchain that builds the shipped code.
#
#   In images, the RUN commands recorded in the history are judged the same
#   way, as parsed commands (text that only mentions `apt-get update`, as in
#   an `echo`, is not a use); the base image's entries are judged too, and
#   `--ignore-base` leaves them out when the history is correlated with a
#   Dockerfile.
# custom:
#   id: HL1016
#   name: update-without-install
#   severity: medium
#   tags: [packages]
#   inputs: [dockerfile, image]
#   controls:
#     cis-docker-1.6.0: ["4.7"]
#     nist-800-190: ["4.1.1"]
#   remediation: |
#     Refresh the index in the same RUN as the install (and remove it
#     there):
#
#         RUN apt-get update \
#          && apt-get install -y --no-install-recommends curl \
#          && rm -rf /var/lib/apt/lists/*
#
#     On Alpine, `apk add --no-cache` fetches a fresh index and keeps none.
#   examples:
#     bad: |
#       FROM debian:12-slim
#       RUN apt-get update
#       RUN apt-get install -y curl
#     good: |
#       FROM debian:12-slim
#       RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
package hardline.rules.update_without_install

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.hardening as hd
import data.hardline.lib.hygiene
import data.hardline.lib.image as img

index_managers := {"apt", "apk", "yum", "dnf", "microdnf", "tdnf", "zypper"}

# Dockerfiles: the RUNs of every stage.
deny contains r if {
	some x in hygiene.all_runs
	not x.stage.windows
	updates := alone_updates(x.instr.run)
	r := {
		"msg": sprintf("%s: %s runs alone in this RUN: its layer is cached, so a later install uses a stale package index", [stage_label(x.stage), updates_text(updates)]),
		"location": x.instr.location,
		"stage": x.stage.index,
		"key": concat(",", sort(updates)),
	}
}

# Images: the RUNs recorded in the history. The key is the Dockerfile
# branch's, without the entry's index: a layer added below must not change
# the fingerprints (findings otherwise alike are numbered in image order).
deny contains r if {
	not img.windows
	some x in hd.history_runs
	h := x.instr.history
	updates := alone_updates(x.instr.run)
	r := img.finding(
		sprintf("%s runs alone in the RUN of history entry %d: its layer is cached, so an install in a later RUN can use a stale package index", [updates_text(updates), h]),
		concat(",", sort(updates)),
		-1, h, "",
	)
}

# alone_updates(run): the package managers whose index the RUN refreshes
# while it installs nothing and runs nothing that may install; undefined
# when there is none.
alone_updates(run) := updates if {
	updates := {op.manager |
		some op in lib.packages(run)
		op.action == "update"
		op.manager in index_managers
	}
	count(updates) > 0
	not installs(run)
	not opaque(run)
}

updates_text(updates) := concat(", ", [update_text(m) | some m in sort(updates)])

update_text("apt") := "`apt-get update`"

update_text("apk") := "`apk update`"

update_text("zypper") := "`zypper refresh`"

update_text(m) := sprintf("`%s makecache`", [m]) if m in {"yum", "dnf", "microdnf", "tdnf"}

# installs(run): the same RUN installs or upgrades packages, with any
# manager (language package managers often need the system index too, as
# in `apt-get update && pip install` with a build backend that calls apt).
installs(run) if {
	some op in lib.packages(run)
	op.action in {"install", "upgrade"}
}

# opaque(run): the RUN runs something that may install packages without
# hardline seeing it: a script, a shell string, a package manager command
# it does not classify (apt-get build-dep, apt-get source, dnf builddep).
opaque(run) if {
	some c in lib.commands(run)
	c.name in {"sh", "bash", "ash", "dash", "zsh", "eval", "source", ".", "make", "ansible-playbook", "add-apt-repository", "install_packages", "apt-install", "apt-fast", "nala", "aptitude"}
}

opaque(run) if {
	some c in lib.commands(run)
	script_name(c)
}

opaque(run) if {
	some op in lib.packages(run)
	op.action == "other"
	op.manager in index_managers
}

opaque(run) if lib.str(run.parse_error) != ""

script_name(c) if endswith(c.name, ".sh")

script_name(c) if {
	p := lib.str(c.argv[0])
	contains(p, "/")
	not regex.match(`^/(usr/)?(local/)?s?bin/`, p)
}

stage_label(s) := sprintf("stage %d (%q)", [s.index, s.name]) if s.name != ""

else := sprintf("stage %d", [s.index])
