package hardline.rules.duplicate_or_reserved_stage_name_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.duplicate_or_reserved_stage_name as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

lw(rule_name, stage, line) := {"rule": rule_name, "description": "d", "url": "u", "message": "m", "stage": stage, "location": fx.loc(line)}

st(i, name) := fx.stage(i, name, i * 10 + 1, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [i], true)

test_duplicate if {
	d := object.union(fx.doc([st(0, "build"), st(1, "build")], []), {"lint": [lw("DuplicateStageName", 1, 11)]})
	fs := findings(d)
	count(fs) == 1
	some f in fs
	f.location.start_line == 11
	contains(f.msg, `"build" is already used by stage 0`)
}

test_reserved if {
	d := object.union(fx.doc([st(0, "context")], []), {"lint": [lw("ReservedStageName", 0, 1)]})
	some f in findings(d)
	contains(f.msg, "the build context")
}

test_no_warning if {
	d := object.union(fx.doc([st(0, "a"), st(1, "b")], []), {"lint": []})
	count(findings(d)) == 0
}
