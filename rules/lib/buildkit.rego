# METADATA
# title: hardline helpers for BuildKit's Dockerfile checks
# description: |
#   The facts document carries the warnings of BuildKit's own Dockerfile
#   checks in input.lint (rule, description, url, message, stage, location).
#   These helpers select them by BuildKit rule name and turn one into a
#   finding, so that each hardline rule that surfaces a BuildKit check
#   reports it the same way.
package hardline.lib.buildkit

import data.hardline.lib.dockerfile as lib

# is_dockerfile guards every helper: input.lint only exists in Dockerfile
# documents.
is_dockerfile if input.kind == "dockerfile"

# warnings(names): the lint entries whose BuildKit rule is in the set names.
warnings(names) := {w |
	some n in names
	some w in lint_by_rule[n]
}

# lint_by_rule: the lint entries grouped by BuildKit rule name, built once
# per document (the rules calling warnings() look their names up here
# instead of each scanning every entry).
lint_by_rule := {n: [w | some w in lib.list(input.lint); w.rule == n] |
	is_dockerfile
	some v in lib.list(input.lint)
	n := v.rule
}

# in_final_chain(w): the warning is in a stage whose configuration the final
# image inherits.
in_final_chain(w) if input.stages[w.stage].in_final_chain

# finding(w, msg): the deny element for warning w. The key is BuildKit's
# rule name and message, which name the variable, stage or instruction, so
# two warnings on one line stay distinct.
finding(w, msg) := {
	"msg": msg,
	"location": w.location,
	"stage": w.stage,
	"key": sprintf("%s:%s", [w.rule, w.message]),
}

# where(w) is "stage N (\"name\"): " for a warning in a stage, else "".
where(w) := sprintf("%s: ", [lib.stage_label(w.stage)]) if w.stage >= 0

else := ""
