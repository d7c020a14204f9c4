package hardline.rules.maintainer_deprecated_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.maintainer_deprecated as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

lw(rule_name, line) := {
	"rule": rule_name,
	"description": "The MAINTAINER instruction is deprecated, use a label instead to define an image author",
	"url": "https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/",
	"message": "Maintainer instruction is deprecated in favor of using label",
	"stage": 0,
	"location": fx.loc(line),
}

doc(lint) := object.union(fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [0], true)], []), {"lint": lint})

test_maintainer if {
	fs := findings(doc([lw("MaintainerDeprecated", 2)]))
	count(fs) == 1
	some f in fs
	f.location.start_line == 2
	contains(f.msg, "org.opencontainers.image.authors")
}

test_other_rule if {
	count(findings(doc([lw("LegacyKeyValueFormat", 2)]))) == 0
}

test_none if {
	count(findings(doc([]))) == 0
}
