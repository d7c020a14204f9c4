# METADATA
# title: Credential hard-coded in a RUN command or heredoc
# description: |
#   A credential written literally into a RUN command, a RUN heredoc or a COPY
#   heredoc is committed with the Dockerfile and recorded in the image history
#   (`docker history --no-trunc` shows every RUN command), and a heredoc copied
#   into the image ships the file itself. This holds even in builder stages and
#   ONBUILD triggers: the Dockerfile is the leak.
# custom:
#   id: HL1008
#   name: secret-in-run
#   severity: critical
#   tags: [secrets]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.4"]
#     cis-docker-1.6.0: ["4.10"]
#   remediation: |
#     Remove the value, rotate the credential, and pass it as a build secret
#     that never reaches a layer or the history:
#
#         RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
#             npm ci
#
#     and build with `docker build --secret id=npm_token,env=NPM_TOKEN .`
#   examples:
#     bad: |
#       FROM node:20-alpine
#       RUN npm config set //registry.npmjs.org/:_authToken=npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx && npm ci
#     good: |
#       FROM node:20-alpine
#       RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
package hardline.rules.secret_in_run

import data.hardline.lib.dockerfile as lib

deny contains r if {
	some s in lib.secrets_from({"run", "heredoc", "copy-heredoc", "onbuild"})
	r := {
		"msg": sprintf("%s: %s hard-coded in %s (%s confidence); pass it with RUN --mount=type=secret instead so it never reaches the Dockerfile, a layer or the image history", [s.description, s.masked, where(s), s.confidence]),
		"location": s.location,
		"stage": s.stage,
		"key": s.fingerprint,
	}
}

where_names := {
	"run": "a RUN command",
	"heredoc": "a RUN heredoc",
	"copy-heredoc": "a COPY heredoc",
	"onbuild": "an ONBUILD trigger",
}

where(s) := sprintf("%s (%s) in %s", [where_names[s.source], s.key, lib.secret_stage(s)]) if {
	lib.str(s.key) != ""
} else := sprintf("%s in %s", [where_names[s.source], lib.secret_stage(s)])
