# METADATA
# title: Credential hard-coded in ENV, ARG or LABEL
# description: |
#   A credential written into ENV, ARG or LABEL is committed with the Dockerfile
#   and baked into the image: ENV and LABEL values are part of the image
#   configuration that anyone who can pull the image reads with
#   `docker inspect`, and ARG defaults are recorded in the build history.
#   Rotating the credential becomes the only remedy once the image or the
#   repository has been shared.
#
#   In an image, credentials in the configured Env and labels are reported,
#   with the history entry of the ENV or LABEL instruction that set them, and
#   so are ENV, LABEL and ARG values that only the history still records
#   (a later ENV replaced the value). Build arguments recorded with RUN
#   history entries are reported by HL1009.
# custom:
#   id: HL1007
#   name: secret-in-env-or-arg
#   severity: critical
#   tags: [secrets]
#   inputs: [dockerfile, image]
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
import data.hardline.lib.image as img

deny contains r if {
	some s in lib.secrets_from({"env", "arg", "label"})
	r := {
		"msg": sprintf("%s: %s hard-coded in %s (%s confidence); use RUN --mount=type=secret at build time and inject it at runtime instead", [s.description, s.masked, lib.secret_where(s), s.confidence]),
		"location": s.location,
		"stage": s.stage,
		"key": s.fingerprint,
	}
}

# --- images -------------------------------------------------------------------

# Credentials in the configured Env and labels.
deny contains r if {
	some s in img.secrets_from({"env", "label"})
	name := img.secret_name(s)
	kw := config_keyword[s.source]
	r := img.finding(
		sprintf("%s: %s in %s %s of the image configuration (%s confidence); anyone who can pull the image reads it with docker inspect: %s", [img.secret_description(s), s.masked, kw, name, s.confidence, config_advice[s.source]]),
		s.fingerprint,
		-1, config_history(s, kw, name), "",
	)
}

config_keyword := {"env": "ENV", "label": "LABEL"}

config_advice := {
	"env": "inject it at run time instead",
	"label": "remove it from the label",
}

# config_history(s, keyword, name): the history entry of the secret, else
# the last ENV (LABEL) entry that mentions the name.
config_history(s, keyword, name) := s.history if s.history >= 0

else := h if h := img.last_history(keyword, name)

else := -1

# ENV, LABEL and ARG values recorded in the history only (a later ENV
# replaced the value in the configuration; ARG defaults): the history still
# shows them.
deny contains r if {
	some s in img.secrets_from({"history"})
	kw := history_keyword(s)
	r := img.finding(
		sprintf("%s: %s in %s %s, recorded in history entry %d (%s confidence); docker history --no-trunc shows it to anyone who can pull the image, whatever later instructions did: remove it from the Dockerfile and provide it at run time or as a build secret", [img.secret_description(s), s.masked, kw, img.secret_name(s), s.history, s.confidence]),
		s.fingerprint,
		-1, s.history, "",
	)
}

# history_keyword(s): ENV, LABEL or ARG; undefined for the other
# instructions, whose recorded secrets HL1008 reports.
history_keyword(s) := kw if {
	kw := upper(lib.str(input.history[s.history].instruction))
	kw in {"ENV", "LABEL", "ARG"}
}
