# METADATA
# title: COPY --from or RUN --mount from= names a stage that does not exist
# description: |
#   `COPY --from=X` and `RUN --mount=from=X` take a stage name, a stage index
#   or an image reference. BuildKit looks X up among the stage names first
#   and otherwise pulls X as an image, so a misspelt stage name does not fail:
#   `COPY --from=buidler /app /app` silently copies from an image called
#   `buidler` (or from whatever a registry serves under that name). hardline
#   reports an X that no stage defines but that is a near miss of a stage
#   name (edit distance below 3, as BuildKit's own suggestions; bare names
#   only, since a registry, tag or digest shows that an image is meant).
#   A real image such as `--from=busybox` or `--from=docker:27-cli` with no
#   similar stage name is not reported.
#
#   It also reports the references BuildKit refuses at build time: a stage
#   index that does not exist (`--from=3` in a file with three stages), a
#   stage copying from itself, and COPY from a stage defined later in the
#   file.
# custom:
#   id: HL1053
#   name: copy-from-unknown-stage
#   severity: medium
#   tags: [correctness, supply-chain]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Fix the stage name (stage names are case-insensitive), or name the
#     image explicitly with a tag or digest (`--from=busybox:1.36`) when an
#     image is meant. Define a stage before the stages that copy from it.
#   examples:
#     bad: |
#       FROM golang:1.22 AS builder
#       RUN go build -o /out/app .
#       FROM gcr.io/distroless/static:nonroot
#       COPY --from=buidler /out/app /app
#     good: |
#       FROM golang:1.22 AS builder
#       RUN go build -o /out/app .
#       FROM gcr.io/distroless/static:nonroot
#       COPY --from=builder /out/app /app
package hardline.rules.copy_from_unknown_stage

import data.hardline.lib.dockerfile as lib

# Every reference of a stage's own instructions (ONBUILD triggers run in
# another build and are not included): {"ref": copy or mount, "instr",
# "stage", "what"}.
refs contains {"ref": instr.copy, "instr": instr, "stage": s, "what": "COPY --from"} if {
	input.kind == "dockerfile"
	some s in input.stages
	some k in s.instruction_index.copy
	instr := s.instructions[k]
	is_object(instr.copy)
	lib.str(instr.copy.from) != ""
}

refs contains {"ref": m, "instr": instr, "stage": s, "what": "RUN --mount from"} if {
	input.kind == "dockerfile"
	some s in input.stages
	some k in s.instruction_index.run
	instr := s.instructions[k]
	is_object(instr.run)
	some m in lib.list(instr.run.mounts)
	lib.str(m.from) != ""
}

deny contains r if {
	some x in refs
	x.ref.from_kind == "image"
	sug := lib.str(object.get(x.ref, "stage_suggestion", ""))
	sug != ""
	r := finding(x, sprintf("%s=%s names no stage, so BuildKit pulls an image called %q instead; did you mean stage %q?", [x.what, x.ref.from, x.ref.from, sug]), "typo")
}

deny contains r if {
	some x in refs
	x.ref.from_kind == "missing-index"
	r := finding(x, sprintf("%s=%s: there is no stage with that index (the stages are numbered 0 to %d), so the build fails", [x.what, x.ref.from, count(input.stages) - 1]), "index")
}

deny contains r if {
	some x in refs
	x.ref.from_kind == "self"
	r := finding(x, sprintf("%s=%s refers to the stage it is in, which BuildKit rejects as a circular dependency", [x.what, x.ref.from]), "self")
}

deny contains r if {
	some x in refs
	x.what == "COPY --from"
	x.ref.from_kind == "stage"
	x.ref.from_stage > x.stage.index
	r := finding(x, sprintf("%s=%s copies from %s, which is defined after this stage; BuildKit only copies from stages defined before", [x.what, x.ref.from, lib.stage_label(x.ref.from_stage)]), "forward")
}

finding(x, msg, kind) := {
	"msg": sprintf("%s: %s", [lib.stage_label(x.stage.index), msg]),
	"location": x.instr.location,
	"stage": x.stage.index,
	"key": sprintf("%s:%s:%s", [kind, x.what, x.ref.from]),
}
