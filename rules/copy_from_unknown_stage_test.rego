package hardline.rules.copy_from_unknown_stage_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.copy_from_unknown_stage as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

copy_instr(idx, line, from, over) := fx.instr(idx, "copy", line, ["/a", "/b"], {"copy": object.union({"sources": ["/a"], "dest": "/b", "from": from, "from_stage": -1}, over)})

mount_instr(idx, line, mount) := fx.instr(idx, "run", line, ["true"], {"run": {"script": "true", "commands": [], "command_index": {}, "packages": [], "urls": [], "build_args_in_scope": [], "mounts": [mount]}})

st(i, name, instrs, in_final) := fx.stage(i, name, i * 10 + 1, fx.image_base("alpine:3.20"), fx.alpine, instrs, fx.runtime({}), [i], in_final)

two(instrs) := fx.doc([st(0, "builder", [], false), st(1, "", instrs, true)], [])

test_typo_reported if {
	fs := findings(two([copy_instr(0, 12, "buidler", {"from_kind": "image", "stage_suggestion": "builder"})]))
	count(fs) == 1
	some f in fs
	f.location.start_line == 12
	contains(f.msg, `did you mean stage "builder"`)
}

test_real_image_not_reported if {
	count(findings(two([copy_instr(0, 12, "busybox", {"from_kind": "image"})]))) == 0
}

test_empty_suggestion_not_reported if {
	count(findings(two([copy_instr(0, 12, "docker", {"from_kind": "image", "stage_suggestion": ""})]))) == 0
}

test_stage_reference_ok if {
	count(findings(two([copy_instr(0, 12, "builder", {"from_kind": "stage", "from_stage": 0})]))) == 0
}

test_missing_index if {
	fs := findings(two([copy_instr(0, 12, "5", {"from_kind": "missing-index"})]))
	some f in fs
	contains(f.msg, "numbered 0 to 1")
}

test_self_reference if {
	fs := findings(two([copy_instr(0, 12, "1", {"from_kind": "self"})]))
	some f in fs
	contains(f.msg, "circular")
}

test_forward_copy if {
	d := fx.doc([st(0, "", [copy_instr(0, 2, "later", {"from_kind": "stage", "from_stage": 1})], false), st(1, "later", [], true)], [])
	fs := findings(d)
	some f in fs
	f.stage == 0
	contains(f.msg, "defined after")
}

test_mount_typo if {
	fs := findings(two([mount_instr(0, 12, {"type": "bind", "from": "buildr", "target": "/x", "from_stage": -1, "from_kind": "image", "stage_suggestion": "builder"})]))
	some f in fs
	contains(f.msg, "RUN --mount from=buildr")
}

test_mount_forward_not_reported if {
	d := fx.doc([st(0, "", [mount_instr(0, 2, {"type": "bind", "from": "later", "from_stage": 1, "from_kind": "stage"})], false), st(1, "later", [], true)], [])
	count(findings(d)) == 0
}

test_image_document if {
	count(findings({"kind": "image"})) == 0
}
