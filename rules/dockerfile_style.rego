# METADATA
# title: BuildKit style check
# description: |
#   BuildKit's style and deprecation checks, reported under one rule with
#   BuildKit's rule name in the message: StageNameCasing (stage names should
#   be lower case), FromAsCasing (`FROM x as y` casing), ConsistentInstructionCasing
#   (all keywords upper or all lower case), LegacyKeyValueFormat
#   (`ENV KEY value` instead of `ENV KEY=value`), NoEmptyContinuation (an
#   empty line inside a continued instruction, to become an error),
#   RedundantTargetPlatform (`--platform=$TARGETPLATFORM` is the default),
#   FromPlatformFlagConstDisallowed (a constant `--platform` on a stage whose
#   name does not say so), ExposeProtoCasing (`EXPOSE 80/TCP`) and
#   ExposeInvalidFormat (an IP address or host port in EXPOSE, to become an
#   error), plus InvalidDefinitionDescription when the file enables that
#   experimental check, and any check a newer BuildKit adds. None of them
#   changes what the image does; the rule is off by default. The file's
#   `# check=skip=...` directive silences individual checks.
#
#   The other BuildKit checks have their own hardline rules
#   (HL1050–HL1057), or are covered by existing ones: JSONArgsRecommended by
#   HL1005 shell-form-entrypoint, which judges the command that actually runs
#   and only in the shipped image; SecretsUsedInArgOrEnv by HL1007 and HL1009,
#   which judge the value and the build history rather than the name alone.
# custom:
#   id: HL1058
#   name: dockerfile-style
#   severity: low
#   enabled: false
#   tags: [style]
#   inputs: [dockerfile]
#   remediation: |
#     Follow the linked BuildKit rule's advice, or skip the check for the
#     file with a `# check=skip=RuleName` line at its top.
#   examples:
#     bad: |
#       FROM alpine:3.20 as Build
#       ENV APP_HOME /app
#     good: |
#       FROM alpine:3.20 AS build
#       ENV APP_HOME=/app
package hardline.rules.dockerfile_style

import data.hardline.lib.buildkit as bk
import data.hardline.lib.dockerfile as lib

# The BuildKit checks that other hardline rules report or cover.
covered := {
	"MultipleInstructionsDisallowed", "WorkdirRelativePath", "MaintainerDeprecated",
	"UndefinedVar", "UndefinedArgInFrom", "DuplicateStageName", "ReservedStageName",
	"InvalidDefaultArgInFrom", "JSONArgsRecommended", "SecretsUsedInArgOrEnv",
}

deny contains r if {
	bk.is_dockerfile
	some w in lib.list(input.lint)
	not w.rule in covered
	r := bk.finding(w, sprintf("%s%s (BuildKit %s, %s)", [bk.where(w), trim_right(w.message, "."), w.rule, lib.str(w.url)]))
}
