# METADATA
# title: Credential hard-coded in RUN, ADD, CMD, ENTRYPOINT or HEALTHCHECK
# description: |
#   A credential written literally into a RUN command, a RUN or COPY heredoc,
#   an ADD URL (https://user:password@host/...), or the command line of CMD,
#   ENTRYPOINT or HEALTHCHECK is committed with the Dockerfile and stays in
#   the image: `docker history --no-trunc` shows every RUN and ADD,
#   `docker inspect` shows CMD, ENTRYPOINT and HEALTHCHECK, and a heredoc
#   copied into the image ships the file itself. This holds even in builder
#   stages and ONBUILD triggers: the Dockerfile is the leak.
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
#     Remove the value and rotate the credential. Pass build-time credentials
#     as build secrets that never reach a layer or the history (also for
#     downloads that need authentication, instead of an ADD URL):
#
#         RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
#             npm ci
#
#     and build with `docker build --secret id=npm_token,env=NPM_TOKEN .`.
#     Credentials that the container needs at run time (CMD, ENTRYPOINT,
#     HEALTHCHECK) come from the environment or a secret file mounted by the
#     orchestrator, read when the container starts.
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
	some s in lib.secrets_from(object.keys(where_names))
	r := {
		"msg": sprintf("%s: %s hard-coded in %s (%s confidence); %s", [s.description, s.masked, where(s), s.confidence, advice[s.source]]),
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
	"add": "an ADD URL",
	"cmd": "the CMD command",
	"entrypoint": "the ENTRYPOINT command",
	"healthcheck": "the HEALTHCHECK command",
}

build_advice := "pass it with RUN --mount=type=secret instead so it never reaches the Dockerfile, a layer or the image history"

runtime_advice(instr) := sprintf("%s is stored in the image configuration (docker inspect): read the credential at run time from the environment or a mounted secret file instead", [instr])

advice := {
	"run": build_advice,
	"heredoc": build_advice,
	"copy-heredoc": build_advice,
	"onbuild": build_advice,
	"add": "ADD records the URL in the image history: download it in a RUN with --mount=type=secret (e.g. curl --netrc-file /run/secrets/netrc) instead",
	"cmd": runtime_advice("CMD"),
	"entrypoint": runtime_advice("ENTRYPOINT"),
	"healthcheck": runtime_advice("HEALTHCHECK"),
}

where(s) := sprintf("%s (%s) in %s", [where_names[s.source], s.key, lib.secret_stage(s)]) if {
	lib.str(s.key) != ""
} else := sprintf("%s in %s", [where_names[s.source], lib.secret_stage(s)])
