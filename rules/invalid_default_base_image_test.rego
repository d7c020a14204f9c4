package hardline.rules.invalid_default_base_image_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.invalid_default_base_image as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

lw(rule_name) := {"rule": rule_name, "description": "d", "url": "u", "message": "Default value for ARG ${BASE} results in empty or invalid base image name", "stage": 0, "location": fx.loc(2)}

doc(lint) := object.union(fx.doc([fx.stage(0, "", 2, object.union(fx.image_base("alpine"), {"raw": "${BASE}"}), fx.alpine, [], fx.runtime({}), [0], true)], []), {"lint": lint})

test_reported if {
	fs := findings(doc([lw("InvalidDefaultArgInFrom")]))
	count(fs) == 1
	some f in fs
	contains(f.msg, "FROM ${BASE}")
}

test_other if {
	count(findings(doc([lw("UndefinedArgInFrom")]))) == 0
}
