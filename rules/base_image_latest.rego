# METADATA
# title: Base image not pinned to a version
# description: |
#   A FROM without a tag, or with the `latest` tag, builds on whatever the
#   registry serves that day: the next build can silently pull a different
#   distribution release, a different runtime major version or an image
#   someone pushed over the tag, so what was reviewed and tested is not what
#   ships. Build stages count too: a builder image compiles and downloads the
#   code that ends up in the final image. So do the images COPY --from and
#   RUN --mount from pull (a name that is no stage): their files are copied
#   or used as they are that day.
#
#   The reference is judged after ARG expansion (`FROM ${BASE}:${TAG}` with
#   `ARG TAG=latest` is reported). References that still depend on an ARG
#   without a value, `FROM scratch` and `FROM <stage>` are not judged. A
#   `latest` reference that is also pinned by digest is pinned.
# custom:
#   id: HL1013
#   name: base-image-latest
#   severity: medium
#   tags: [base-image, supply-chain]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.5"]
#     cis-docker-1.6.0: ["4.2"]
#   remediation: |
#     Name an explicit version tag, as specific as the updates you are
#     prepared to take automatically, or pin the digest as well and let a
#     bot (Renovate, Dependabot) propose updates:
#
#         FROM python:3.12-slim-bookworm
#         FROM python:3.12-slim-bookworm@sha256:<digest>
#   examples:
#     bad: |
#       FROM node
#       FROM nginx:latest
#     good: |
#       FROM node:20.15-bookworm-slim
#       FROM nginx:1.27-alpine
package hardline.rules.base_image_latest

import data.hardline.lib.hygiene

deny contains r if {
	some p in hygiene.pulled_images
	why := unpinned(p.ref)
	r := {
		"msg": sprintf("%s: %s %s, so every build may get a different image", [hygiene.pulled_label(p), p.text, why]),
		"location": p.location,
		"stage": p.stage.index,
		"key": p.key,
	}
}

# unpinned(ref): why the reference is not pinned; undefined when it is.
unpinned(ref) := "has no tag: Docker pulls the moving `latest` tag" if {
	object.get(ref, "tag", "") == ""
	object.get(ref, "digest", "") == ""
}

unpinned(ref) := "uses the moving `latest` tag" if {
	lower(object.get(ref, "tag", "")) == "latest"
	object.get(ref, "digest", "") == ""
}
