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
#
#   In an image, the recorded history is judged as `docker history
#   --no-trunc` shows it: RUN commands and the other instructions except
#   ENV, LABEL and ARG (HL1007 reports those); so is the command line the
#   configuration starts (Entrypoint, Cmd, Healthcheck). A credential that
#   reaches a RUN only through a build argument is reported once, as the
#   build argument (HL1009).
# custom:
#   id: HL1008
#   name: secret-in-run
#   severity: critical
#   tags: [secrets]
#   inputs: [dockerfile, image]
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
import data.hardline.lib.image as img

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

# --- images -------------------------------------------------------------------

# Credentials in recorded RUN commands and other history entries (ENV,
# LABEL and ARG entries are HL1007's).
deny contains r if {
	some s in img.secrets_from({"history-run", "history"})
	not env_like(s)
	r := img.finding(
		sprintf("%s: %s in %s%s (%s confidence); %s", [img.secret_description(s), s.masked, image_where(s), key_note(s), s.confidence, image_advice[s.source]]),
		s.fingerprint,
		-1, s.history, "",
	)
}

env_like(s) if {
	s.source == "history"
	upper(lib.str(input.history[s.history].instruction)) in {"ENV", "LABEL", "ARG"}
}

# Credentials on the command line the container starts with.
deny contains r if {
	some s in img.secrets_from({"config"})
	r := img.finding(
		sprintf("%s: %s in the image config's %s%s (%s confidence); anyone who pulls the image can read it, and it shows in the process list of every container: read it from a mounted secret or the environment at run time instead", [img.secret_description(s), s.masked, s.name, key_note(s), s.confidence]),
		s.fingerprint,
		-1, config_history(s.name), "",
	)
}

config_history(name) := h if {
	h := img.last_history(upper(name), "")
} else := -1

image_where(s) := sprintf("the RUN command of history entry %d", [s.history]) if {
	s.source == "history-run"
} else := sprintf("history entry %d (%s)", [s.history, instr]) if {
	instr := lib.str(input.history[s.history].instruction)
	instr != ""
} else := sprintf("history entry %d", [s.history])

# key_note(s): the option or key the value was given to (`-u`, a header).
key_note(s) := sprintf(" (in %s)", [k]) if {
	k := lib.str(object.get(s, "key", ""))
	k != ""
} else := ""

image_advice := {
	"history-run": "docker history --no-trunc shows it to anyone who can pull the image: pass it with RUN --mount=type=secret instead",
	"history": "docker history --no-trunc shows it to anyone who can pull the image: remove it from the Dockerfile and provide it as a build secret or at run time",
}
