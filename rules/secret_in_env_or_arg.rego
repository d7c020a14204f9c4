# METADATA
# title: Credential hard-coded in ENV, ARG or LABEL
# description: |
#   A credential written into ENV, ARG or LABEL is committed with the Dockerfile
#   and baked into the image: ENV and LABEL values are part of the image
#   configuration that anyone who can pull the image reads with
#   `docker inspect`, and ARG defaults are recorded in the build history.
#   Rotating the credential becomes the only remedy once the image or the
#   repository has been shared.
# custom:
#   id: HL1007
#   name: secret-in-env-or-arg
#   severity: critical
#   tags: [secrets]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.4"]
#     cis-docker-1.6.0: ["4.10"]
#   remediation: |
#     Remove the value from the Dockerfile and rotate the credential. Provide
#     build-time secrets with a secret mount and runtime secrets through the
#     orchestrator (environment from a secret store, mounted files):
#
#         RUN --mount=type=secret,id=db_password,env=DB_PASSWORD ./migrate.sh
#
#     and build with `docker build --secret id=db_password,env=DB_PASSWORD .`
#   examples:
#     bad: |
#       FROM alpine:3.20
#       ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
#     good: |
#       FROM alpine:3.20
#       RUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 cp s3://bucket/x /x
package hardline.rules.secret_in_env_or_arg

import data.hardline.lib.dockerfile as lib

deny contains r if {
	some s in lib.secrets_from({"env", "arg", "label"})
	r := {
		"msg": sprintf("%s: %s hard-coded in %s (%s confidence); use RUN --mount=type=secret at build time and inject it at runtime instead", [s.description, s.masked, lib.secret_where(s), s.confidence]),
		"location": s.location,
		"stage": s.stage,
		"key": s.fingerprint,
	}
}
