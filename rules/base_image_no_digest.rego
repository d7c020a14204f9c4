# METADATA
# title: Base image not pinned by digest
# description: |
#   A tag is a pointer the publisher (or anyone who gains push access to the
#   repository) can move: `python:3.12-slim` is rebuilt every few weeks, and
#   a compromised tag is served to every build that names it. Only a
#   content digest (`@sha256:…`) makes the build reproducible and the base
#   image verifiable. Images pulled by COPY --from and RUN --mount from (a
#   name that is no stage) are judged the same way. Pinning every reference
#   by digest needs tooling to keep the digests fresh (Renovate,
#   Dependabot), so the rule is off by default; enable it where that
#   tooling is in place.
#
#   References without a tag or with `latest` are reported by
#   base-image-latest (HL1013) instead. `FROM scratch`, `FROM <stage>` and
#   references that depend on an ARG without a value are not judged.
# custom:
#   id: HL1014
#   name: base-image-no-digest
#   severity: low
#   enabled: false
#   tags: [base-image, supply-chain]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.5"]
#     cis-docker-1.6.0: ["4.2"]
#   remediation: |
#     Keep the tag for readers and add the digest it currently points to
#     (`docker buildx imagetools inspect IMAGE:TAG` prints it):
#
#         FROM python:3.12-slim@sha256:<digest>
#
#     and let an update bot propose new digests.
#   examples:
#     bad: |
#       FROM python:3.12-slim
#     good: |
#       FROM python:3.12-slim@sha256:2be8daddbb82756f7d1f2c7ece706aadcb284bf6ab6d769ea695cc3ed6016743
package hardline.rules.base_image_no_digest

import data.hardline.lib.hygiene

deny contains r if {
	some p in hygiene.pulled_images
	object.get(p.ref, "digest", "") == ""
	tag := object.get(p.ref, "tag", "")
	tag != ""
	lower(tag) != "latest"
	r := {
		"msg": sprintf("%s: %s is pinned by tag only; the tag can be moved to different content", [hygiene.pulled_label(p), p.text]),
		"location": p.location,
		"stage": p.stage.index,
		"key": p.key,
	}
}
