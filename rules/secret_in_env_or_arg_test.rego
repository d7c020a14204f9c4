package hardline.rules.secret_in_env_or_arg_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.secret_in_env_or_arg

findings(doc) := fs if {
	fs := secret_in_env_or_arg.deny with input as doc
}

st := fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [0], true)

test_env_secret if {
	fs := findings(fx.doc([st], [fx.secret("env", 0, 3, "DB_PASSWORD")]))
	count(fs) == 1
	some f in fs
	f.location.start_line == 3
	f.key == "0123456789abcdef"
	contains(f.msg, "Xk9$…(16 chars)")
	contains(f.msg, "ENV DB_PASSWORD in stage 0")
	contains(f.msg, "--mount=type=secret")
}

test_global_arg_secret if {
	s := object.union(fx.secret("arg", -1, 1, "AWS_SECRET_ACCESS_KEY"), {"rule": "aws-secret-access-key", "description": "AWS secret access key", "masked": "wJal…(40 chars)", "confidence": "high"})
	fs := findings(fx.doc([st], [s]))
	some f in fs
	f.stage == -1
	contains(f.msg, "ARG AWS_SECRET_ACCESS_KEY in the global scope")
}

test_label_secret_in_builder_stage if {
	b := fx.stage(0, "build", 1, fx.image_base("golang:1.22"), fx.golang, [], fx.runtime({}), [0], false)
	f := fx.stage(1, "", 5, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [1], true)
	fs := findings(fx.doc([b, f], [fx.secret("label", 0, 2, "api.token")]))
	some x in fs
	x.stage == 0
}

test_run_sources_not_this_rule if {
	secrets := [fx.secret("run", 0, 3, "-p"), fx.secret("heredoc", 0, 5, ""), fx.secret("copy-heredoc", 0, 7, "")]
	count(findings(fx.doc([st], secrets))) == 0
}

test_no_secrets if {
	count(findings(fx.doc([st], []))) == 0
	count(findings(fx.doc([st], null))) == 0
}
