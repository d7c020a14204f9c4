// Package policy loads hardline's Rego rules, validates their metadata,
// compiles them once in a sandbox and evaluates them against facts documents.
//
// # Rule convention
//
// This is the contract between the engine and rule authors; it applies to the
// builtin rules under rules/ and to custom rules loaded with --rules DIR.
//
// One rule is one .rego file written in Rego v1 syntax, with its tests in a
// <same name>_test.rego file beside it:
//
//	rules/run_as_root.rego        package hardline.rules.run_as_root
//	rules/run_as_root_test.rego   package hardline.rules.run_as_root_test
//	rules/lib/*.rego              shared helpers, packages hardline.lib.*
//
// Every non-test file must declare a package below hardline.rules. (a rule) or
// hardline.lib. (a helper library); anything else is rejected so that custom
// rule directories cannot inject data under other paths. A rule package may
// be defined by a single file only. Files ending in _test.rego are only used
// by RunTests (hardline rules test), never for evaluation.
//
// A rule package starts with a package-scoped METADATA block:
//
//	# METADATA
//	# title: Final image runs as root
//	# description: |
//	#   Why this matters ...
//	# custom:
//	#   id: HL1001                # ^[A-Z]{2,8}[0-9]{3,5}$, unique
//	#   name: run-as-root         # lower-case kebab-case, unique
//	#   severity: high            # info|low|medium|high|critical
//	#   tags: [user]              # from Tags()
//	#   inputs: [dockerfile]      # dockerfile and/or image
//	#   enabled: true             # optional, default true
//	#   controls:                 # optional
//	#     nist-800-190: ["4.1.2"]
//	#     cis-docker-1.6.0: ["4.1"]
//	#   remediation: |
//	#     How to fix ...
//	#   examples:                 # optional, rendered by the doc generator
//	#     bad: |
//	#       FROM alpine
//	#     good: |
//	#       FROM alpine
//	#       USER 10001
//	package hardline.rules.run_as_root
//
// title is required. description and remediation are required for builtin
// rules (they become the rule's documentation page) and recommended for custom
// rules. Control frameworks are limited to nist-800-190, cis-docker-1.6.0 and
// cis-docker-1.7.0; control IDs must be strings (quote "4.1"). Unknown tags and
// unknown custom keys are errors in builtin rules and warnings (see
// Engine.Warnings) in custom rules.
//
// A rule defines a partial set named deny whose elements are objects:
//
//	deny contains {"msg": msg, "location": loc, "stage": i, "key": name} if { ... }
//
//	msg       string, required
//	location  {"start_line", "start_column", "end_line", "end_column"}, optional
//	stage     integer stage index, optional (Result.Stage is -1 when absent)
//	key       string, optional: stable identity of the finding (for example
//	          the offending package name), part of the fingerprint
//
// Extra keys are allowed and ignored. An element without a string msg is an
// evaluation error naming the rule.
//
// # Sandbox
//
// Rules are compiled with capabilities that remove builtins which reach the
// network or the OPA runtime or which make results non-reproducible (see
// DeniedBuiltins); using one fails at load with "file:line: builtin X is not
// allowed in hardline rules". Modules are parsed as Rego v1 and compiled in
// strict mode. print() calls are compiled away unless Options.Print is set.
// Evaluation of one document is bounded by Options.Timeout; OPA checks for
// cancellation between evaluation steps and inside expensive builtins such as
// numbers.range, so runaway rules stop with an error instead of hanging.
package policy
