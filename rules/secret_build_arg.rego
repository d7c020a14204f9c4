# METADATA
# title: Credential passed as a build argument
# description: |
#   Build arguments are not secret: BuildKit records the value of every ARG in
#   scope of a RUN in that layer's history entry, so anyone who pulls the image
#   can read a token passed with `--build-arg NPM_TOKEN=...` through
#   `docker history --no-trunc`, and an ENV that copies the ARG puts it in the
#   image configuration as well. Secret mounts give RUN the value without
#   recording it anywhere.
#
#   In an image, the build arguments recorded with RUN history entries
#   (`RUN |2 NPM_TOKEN=... /bin/sh -c ...`) are judged by their value: one
#   finding per argument, naming every history entry that records it.
# custom:
#   id: HL1009
#   name: secret-build-arg
#   severity: high
#   tags: [secrets]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.4"]
#     cis-docker-1.6.0: ["4.10"]
#   remediation: |
#     Replace the ARG with a secret mount and pass the value with --secret:
#
#         RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
#             npm ci
#
#     docker build --secret id=npm_token,env=NPM_TOKEN .
#   examples:
#     bad: |
#       FROM node:20-alpine
#       ARG NPM_TOKEN
#       RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
#     good: |
#       FROM node:20-alpine
#       RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
#           echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
package hardline.rules.secret_build_arg

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.image as img

deny contains r if {
	some s in input.stages
	s.in_final_chain
	some k in s.instruction_index.arg
	instr := s.instructions[k]
	some d in lib.list(instr.arg)
	lib.sensitive_arg_name(d)
	why := reasons(s, instr, d)
	count(why) > 0
	r := {
		"msg": sprintf("ARG %s in %s looks like a credential and %s; build-arg values are recorded in the image history (docker history), use RUN --mount=type=secret instead", [d.name, lib.stage_label(s.index), lib.joined(why)]),
		"location": instr.location,
		"stage": s.index,
		"key": d.name,
	}
}

reasons(s, instr, d) := ({sprintf("is used by RUN at line %d", [run.location.start_line]) |
	some run in runs_after(s, instr)
	uses(run.run, d.name)
	not from_secret_mount(run.run, d.name)
} | {"is set with --build-arg and recorded by every later RUN" |
	d.overridden == true
	some run in runs_after(s, instr)
	recorded(run.run, d.name)
}) | {sprintf("is copied into the image configuration by ENV %s (line %d)", [kv.key, env.location.start_line]) |
	some env in later_instructions(s, instr)
	env.cmd == "env"
	some kv in lib.list(env.env)
	regex.match(sprintf(`\$\{?%s([^A-Za-z0-9_]|$)`, [d.name]), lib.str(kv.raw))
}

# Instructions of the final chain after the ARG: later ones in its stage, and
# those of stages inheriting it through FROM <stage> (build args carry over).
later_instructions(s, arg_instr) := array.concat(own, inherited) if {
	own := [i | some i in lib.list(s.instructions); i.index > arg_instr.index]
	inherited := [i |
		some t in input.stages
		t.in_final_chain
		t.index != s.index
		s.index in lib.list(t.chain)
		some i in lib.list(t.instructions)
	]
}

# RUNs after the ARG in its scope (later in the stage, or in stages
# inheriting it).
runs_after(s, arg_instr) := [i |
	some i in later_instructions(s, arg_instr)
	i.cmd == "run"
	is_object(i.run)
]

# recorded(run, name): the RUN's history entry records the ARG's value. The
# facts' build_args_in_scope lists the ARGs with a value; without that fact,
# every ARG in scope is assumed recorded.
recorded(run, name) if name in lib.list(run.build_args_in_scope)

recorded(run, _) if not is_array(object.get(run, "build_args_in_scope", null))

uses(run, name) if name in lib.list(run.build_args_used)

uses(run, name) if name in lib.list(run.vars)

# The RUN gets the value from a secret mount (env=NAME or id=name), not from
# the build argument.
from_secret_mount(run, name) if {
	some m in lib.list(run.mounts)
	m.type == "secret"
	m.env == name
}

from_secret_mount(run, name) if {
	some m in lib.list(run.mounts)
	m.type == "secret"
	lower(lib.str(m.id)) == lower(name)
}

# --- images -------------------------------------------------------------------

deny contains r if {
	args := img.secrets_from({"history-arg"})
	some name in {img.secret_name(s) | some s in args}
	these := [s | some s in args; img.secret_name(s) == name]
	hs := sort({s.history | some s in these; s.history >= 0})
	masked := lib.joined({s.masked | some s in these})
	s := these[0]
	r := img.finding(
		sprintf("build argument %s=%s is recorded in the image history (%s): %s (%s confidence); docker history --no-trunc shows it to anyone who can pull the image: use RUN --mount=type=secret instead", [name, masked, entries_text(hs), img.secret_description(s), s.confidence]),
		name,
		-1, first_or(hs), "",
	)
}

entries_text(hs) := "an unknown history entry" if count(hs) == 0

else := sprintf("history entry %d", [hs[0]]) if count(hs) == 1

else := sprintf("history entries %s", [concat(", ", [sprintf("%d", [h]) | some h in hs])])

first_or(hs) := hs[0] if count(hs) > 0

else := -1
