# METADATA
# title: FROM gives no valid image without --build-arg
# description: |
#   When a FROM line is built from ARGs, the ARGs' defaults should still make
#   a valid image reference: `ARG BASE` followed by `FROM ${BASE}` fails
#   unless every build passes `--build-arg BASE=...`, and `ARG TAG=` with
#   `FROM alpine:${TAG}` gives the invalid `alpine:`. BuildKit's
#   InvalidDefaultArgInFrom check evaluates every FROM with the defaults of
#   the ARGs before the first FROM (ignoring any --build-arg) and reports an
#   empty or invalid reference.
# custom:
#   id: HL1057
#   name: invalid-default-base-image
#   severity: low
#   tags: [base-image, correctness]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Give the ARG a default that names a real image
#     (`ARG BASE=alpine:3.20`), so the Dockerfile builds and can be linted
#     without build arguments.
#   examples:
#     bad: |
#       ARG BASE
#       FROM ${BASE}
#     good: |
#       ARG BASE=alpine:3.20
#       FROM ${BASE}
package hardline.rules.invalid_default_base_image

import data.hardline.lib.buildkit as bk
import data.hardline.lib.dockerfile as lib

deny contains r if {
	some w in bk.warnings({"InvalidDefaultArgInFrom"})
	raw := input.stages[w.stage].base.raw
	r := bk.finding(w, sprintf("%s: FROM %s is empty or not a valid image reference without --build-arg (with the defaults of the ARGs before the first FROM); give the ARGs defaults that name a real image", [lib.stage_label(w.stage), raw]))
}
