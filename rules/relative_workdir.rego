# METADATA
# title: WORKDIR is relative and no absolute WORKDIR precedes it
# description: |
#   A relative WORKDIR is resolved against the working directory of the base
#   image, which the Dockerfile does not control: when the base image changes
#   its WORKDIR (a new tag, a switch from Debian to Alpine), files are copied
#   to and commands run in a different directory without any error. BuildKit's
#   WorkdirRelativePath check reports the first relative WORKDIR of a stage's
#   chain when no absolute WORKDIR was set before it; relative WORKDIRs after
#   an absolute one are fine. Windows paths with a drive letter count as
#   absolute. Every stage is checked, builders included: a builder that
#   writes to the wrong directory breaks the final image just as well.
# custom:
#   id: HL1051
#   name: relative-workdir
#   severity: low
#   tags: [correctness]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Make the first WORKDIR of each stage absolute (`WORKDIR /app`); later
#     ones may then be relative to it.
#   examples:
#     bad: |
#       FROM node:20-alpine
#       WORKDIR app
#     good: |
#       FROM node:20-alpine
#       WORKDIR /app
package hardline.rules.relative_workdir

import data.hardline.lib.buildkit as bk

deny contains r if {
	some w in bk.warnings({"WorkdirRelativePath"})
	r := bk.finding(w, sprintf("%s%s: it is resolved against the base image's working directory, which can change with the base image; make it absolute", [bk.where(w), what(w.message)]))
}

what(msg) := sprintf("WORKDIR %s is relative", [m[0][1]]) if {
	m := regex.find_all_string_submatch_n(`^Relative workdir (".*") can have`, msg, 1)
	count(m) == 1
} else := "the WORKDIR is relative"
