# METADATA
# title: No HEALTHCHECK in the final image
# description: |
#   Without a HEALTHCHECK, Docker and Swarm only know whether the main
#   process is alive, not whether it still serves: a deadlocked or wedged
#   service keeps running and keeps receiving traffic. The CIS Docker
#   Benchmark asks for a HEALTHCHECK in every image (4.6) and for
#   containers' health to be checked at run time (5.27).
#
#   Only images that serve something are judged: the final image exposes a
#   port (EXPOSE in the final stage's chain; in a built image, the
#   configuration's exposed ports). Command-line tools, batch jobs, build
#   and base images have nothing to probe, and reporting them made the
#   rule fire on 85% of a corpus of 1,364 public Dockerfiles.
#
#   The final stage's chain is checked (a HEALTHCHECK set in a stage
#   inherited through `FROM <stage>` counts). The rule only speaks about
#   base images it knows (docs/base-images.md; the official images define no
#   HEALTHCHECK) and `scratch`: an unknown base image may define one.
#   `HEALTHCHECK NONE` is an explicit decision, typically for images run
#   by an orchestrator with its own probes (Kubernetes ignores HEALTHCHECK),
#   and is not reported.
#
#   In a built image the configuration is checked, but only for images in
#   Docker format: the OCI image configuration has no healthcheck field
#   (buildah and podman drop HEALTHCHECK when they write OCI images), so
#   the rule does not apply to OCI images.
# custom:
#   id: HL1020
#   name: no-healthcheck
#   severity: low
#   tags: [healthcheck]
#   inputs: [dockerfile, image]
#   controls:
#     cis-docker-1.6.0: ["4.6", "5.27"]
#   remediation: |
#     Add a HEALTHCHECK that exercises the service with a tool the image
#     has (or a small health subcommand of the application itself):
#
#         HEALTHCHECK --interval=30s --timeout=3s --retries=3 \
#           CMD ["/app/server", "healthcheck"]
#
#     For images that only run under Kubernetes, declare
#     `HEALTHCHECK NONE` and use liveness and readiness probes.
#   examples:
#     bad: |
#       FROM nginx:1.27-alpine
#       COPY site/ /usr/share/nginx/html/
#       EXPOSE 80
#     good: |
#       FROM nginx:1.27-alpine
#       COPY site/ /usr/share/nginx/html/
#       EXPOSE 80
#       HEALTHCHECK CMD wget -q --spider http://127.0.0.1/ || exit 1
package hardline.rules.no_healthcheck

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.image as img

deny contains r if {
	input.kind == "dockerfile"
	f := lib.final_stage
	not is_object(f.runtime.healthcheck)
	root := lib.root_stage(f)
	not root.base.unresolved
	base_known(root, f)
	ports := [p.raw | some p in lib.list(f.runtime.expose)]
	count(ports) > 0
	r := {
		"msg": sprintf("no HEALTHCHECK in the final image (%s, based on %s), which exposes %s: nothing reports whether the service still works", [lib.stage_label(f.index), lib.base_image_name(f), concat(", ", ports)]),
		"location": f.location,
		"stage": f.index,
		"key": "no-healthcheck",
	}
}

base_known(root, _) if root.base.scratch

base_known(_, f) if f.image.known == true

# --- images -------------------------------------------------------------------

deny contains r if {
	img.is_image
	input.image.format == "docker"
	not is_object(input.config.healthcheck)
	count(lib.list(input.config.exposed_ports)) > 0
	r := img.finding(sprintf("the image configuration has no healthcheck, and the image exposes %s: nothing reports whether the service still works", [concat(", ", input.config.exposed_ports)]), "no-healthcheck", -1, -1, "")
}
