# METADATA
# title: Base image from an unapproved registry
# description: |
#   Every image the build pulls must come from the organisation's registry, where it
#   is scanned and mirrored. Images pulled straight from public registries bypass
#   that control and can change underneath a pinned tag.
# custom:
#   id: ACME001
#   name: approved-registry
#   severity: high
#   tags: [base-image, supply-chain]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.5"]
#     cis-docker-1.6.0: ["4.2"]
#   remediation: |
#     Pull the image through the mirror, e.g. FROM registry.acme.example/library/python:3.12-slim.
package hardline.rules.acme_approved_registry

approved_registries := {"registry.acme.example"}

# Only stages that the final image needs; a stage that is never built cannot pull anything.
deny contains {"msg": msg, "location": stage.location, "stage": stage.index, "key": stage.base.resolved} if {
	some stage in input.stages
	stage.needed_by_final
	ref := stage.base.ref
	not ref.registry in approved_registries
	msg := sprintf("stage %d pulls %s from %s, which is not an approved registry", [stage.index, stage.base.resolved, ref.registry])
}
