# METADATA
# title: Base image from a registry that is not trusted
# description: |
#   When `trusted-registries:` is set in .hardline.yaml, every FROM image,
#   in every stage, and every image pulled by COPY --from or RUN --mount
#   from (a name that is no stage) must come from one of the listed
#   registries or registry paths. Images from elsewhere have not gone through the
#   organisation's review, scanning and mirroring, and a build that pulls
#   them depends on a third party's account security.
#
#   Entries are `registry[/path]` prefixes matched on path boundaries
#   (`ghcr.io/acme` admits `ghcr.io/acme/app`, not `ghcr.io/acme-tools/app`).
#   Docker Hub is `docker.io` (index.docker.io and registry-1.docker.io are
#   the same registry), and its official images are `docker.io/library`;
#   an entry whose first element is not a host name (`bitnami`) is a Docker
#   Hub namespace. References are judged after ARG expansion; `FROM scratch`,
#   `FROM <stage>` and references that depend on an ARG without a value are
#   not judged. Without an allow-list the rule reports nothing.
#
#   The rule reads Dockerfiles only: a built image does not record which
#   image it was built from (the history has no reference, and the OCI
#   base-image annotations are optional and unverified), so lint the
#   Dockerfile the image is built from.
# custom:
#   id: HL1015
#   name: untrusted-base-registry
#   severity: high
#   tags: [base-image, supply-chain]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.5"]
#     cis-docker-1.6.0: ["4.2"]
#   remediation: |
#     Pull the image through a registry on the list (a mirror or proxy
#     cache of the upstream registry), or, after review, add its registry
#     to `trusted-registries:` in .hardline.yaml:
#
#         trusted-registries: [registry.acme.example, docker.io/library]
#   examples:
#     bad: |
#       # .hardline.yaml: trusted-registries: [registry.acme.example]
#       FROM randomuser/python-tools:3.12
#     good: |
#       # .hardline.yaml: trusted-registries: [registry.acme.example]
#       FROM registry.acme.example/mirror/python:3.12-slim
package hardline.rules.untrusted_base_registry

import data.hardline.lib.hygiene

deny contains r if {
	count(hygiene.trusted_registries) > 0
	some p in hygiene.pulled_images
	not hygiene.trusted(p.ref)
	r := {
		"msg": sprintf("%s: %s pulls %s, which is not under a trusted registry (%s)", [hygiene.pulled_label(p), p.text, hygiene.full_name(p.ref), concat(", ", sort(hygiene.trusted_registries))]),
		"location": p.location,
		"stage": p.stage.index,
		"key": hygiene.full_name(p.ref),
	}
}
