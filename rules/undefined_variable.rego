# METADATA
# title: Variable used but never defined
# description: |
#   An ARG or ENV variable that is not defined expands to an empty string
#   without any error: `COPY $APP_DIR/bin /bin` copies the whole context's
#   `/bin`, `ENV PATH=$PAHT:/app` loses the PATH. BuildKit's UndefinedVar
#   check reports variables used by instructions it expands (ENV, ARG
#   defaults, COPY, ADD, WORKDIR, USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL,
#   RUN --mount options) that no ARG or ENV defines, and UndefinedArgInFrom
#   ARGs used in FROM that are not declared before the first FROM. Shell-form
#   RUN, CMD and ENTRYPOINT are left alone: their variables are the shell's.
#
#   BuildKit also consults the base image's ENV, which hardline does not
#   fetch, so in a stage built from an image an undefined variable may be
#   defined by the image (`$JAVA_HOME` in a JDK image). There hardline only
#   reports it when BuildKit suggests a defined variable with a similar name
#   (a likely typo). In stages built from scratch, and for FROM lines, every
#   undefined variable is reported.
# custom:
#   id: HL1055
#   name: undefined-variable
#   severity: low
#   tags: [correctness]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Declare the variable with ARG (before the first FROM for FROM lines)
#     or ENV before using it, or fix its spelling. Use `${VAR:-default}`
#     only for variables that are declared and may be empty.
#   examples:
#     bad: |
#       FROM alpine:3.20
#       ARG APP_VERSION=1.2.3
#       ENV VERSION=$APP_VERSON
#     good: |
#       FROM alpine:3.20
#       ARG APP_VERSION=1.2.3
#       ENV VERSION=$APP_VERSION
package hardline.rules.undefined_variable

import data.hardline.lib.buildkit as bk

deny contains r if {
	some w in bk.warnings({"UndefinedVar"})
	reportable(w)
	r := bk.finding(w, sprintf("%s%s: it expands to an empty string", [bk.where(w), describe(w.message)]))
}

deny contains r if {
	some w in bk.warnings({"UndefinedArgInFrom"})
	r := bk.finding(w, sprintf("%s%s: ARGs used in FROM must be declared before the first FROM, otherwise they expand to an empty string", [bk.where(w), describe(w.message)]))
}

reportable(w) if not object.get(w, "base_env_unknown", false)

reportable(w) if contains(w.message, "(did you mean ")

# describe(msg): BuildKit's message, which names the variable (never its
# value) and any suggestion, without a trailing period.
describe(msg) := trim_right(msg, ".")
