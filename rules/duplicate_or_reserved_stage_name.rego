# METADATA
# title: Stage name is used twice or is reserved
# description: |
#   Stage names must be unique: with two stages called `build`, `COPY
#   --from=build` and `FROM build` use whichever stage the builder resolves
#   (the later one for COPY, the closest earlier one for FROM), and
#   `--target build` builds only one of them, so a change to one stage may
#   silently not reach the image. `scratch` and `context` are reserved names
#   (the empty image and the build context): a stage named like that is
#   confusing at best. BuildKit's DuplicateStageName and ReservedStageName
#   checks find both; stage names are compared case-insensitively, as
#   BuildKit does.
# custom:
#   id: HL1056
#   name: duplicate-or-reserved-stage-name
#   severity: low
#   tags: [correctness]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Give every stage its own name, and do not call a stage scratch or
#     context.
#   examples:
#     bad: |
#       FROM golang:1.22 AS build
#       RUN go build -o /out/api ./cmd/api
#       FROM node:20 AS build
#       RUN npm run build
#     good: |
#       FROM golang:1.22 AS build-api
#       RUN go build -o /out/api ./cmd/api
#       FROM node:20 AS build-web
#       RUN npm run build
package hardline.rules.duplicate_or_reserved_stage_name

import data.hardline.lib.buildkit as bk
import data.hardline.lib.dockerfile as lib

deny contains r if {
	some w in bk.warnings({"DuplicateStageName"})
	name := input.stages[w.stage].name
	r := bk.finding(w, sprintf("%s: the stage name %q is already used by %s; references to it resolve to only one of them", [lib.stage_label(w.stage), name, lib.stage_label(first_with_name(name))]))
}

deny contains r if {
	some w in bk.warnings({"ReservedStageName"})
	name := input.stages[w.stage].name
	r := bk.finding(w, sprintf("%s: %q is a reserved name (%s), not a usable stage name", [lib.stage_label(w.stage), name, reserved[name]]))
}

reserved := {"scratch": "the empty image", "context": "the build context"}

first_with_name(name) := min({s.index | some s in input.stages; s.name == name})
