# METADATA
# title: CMD, ENTRYPOINT or HEALTHCHECK set more than once in a stage
# description: |
#   Only the last CMD, ENTRYPOINT and HEALTHCHECK of a stage take effect; an
#   earlier one in the same stage is silently discarded. A second CMD is
#   usually a leftover from editing or a misunderstanding (two CMDs do not run
#   two processes), and the image then starts something other than what a
#   reader of the first instruction expects. BuildKit's
#   MultipleInstructionsDisallowed check finds these; hardline reports them in
#   the stages whose configuration the final image inherits (the final stage
#   and the stages it is built `FROM`), and points at the instruction that has
#   no effect.
# custom:
#   id: HL1050
#   name: multiple-cmd-entrypoint-healthcheck
#   severity: low
#   tags: [correctness]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Keep one CMD, one ENTRYPOINT and one HEALTHCHECK per stage. To run
#     several commands, start them from one script or a process supervisor.
#   examples:
#     bad: |
#       FROM python:3.12-slim
#       CMD ["python", "migrate.py"]
#       CMD ["gunicorn", "app:app"]
#     good: |
#       FROM python:3.12-slim
#       CMD ["/app/start.sh"]
package hardline.rules.multiple_cmd_entrypoint_healthcheck

import data.hardline.lib.buildkit as bk

deny contains r if {
	some w in bk.warnings({"MultipleInstructionsDisallowed"})
	bk.in_final_chain(w)
	kind := instruction(w.message)
	r := bk.finding(w, sprintf("%sthis %s has no effect: a later %s in the same stage replaces it (only the last one of a stage is used)", [bk.where(w), kind, kind]))
}

# instruction(msg): the instruction BuildKit's message names, upper-cased
# (the message uses the keyword as written).
instruction(msg) := upper(m[0][1]) if {
	m := regex.find_all_string_submatch_n(`^Multiple (\S+) instructions`, msg, 1)
	count(m) == 1
} else := "instruction"
