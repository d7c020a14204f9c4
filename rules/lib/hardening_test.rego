package hardline.lib.hardening_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.hardening as hd
import data.hardline.lib.image_fixtures as ix
import data.hardline.lib.image_history_fixtures as hx

test_options_stop_at_double_dash if {
	hd.options(["-s", "--", "-k"]) == ["-s"]
	hd.options(["-k", "x"]) == ["-k", "x"]
}

test_short_flag_cluster if {
	hd.short_flag(["-fsSLk", "https://x"], "k", {"o"}) == "-fsSLk"
	not hd.short_flag(["-ok", "https://x"], "k", {"o"})
	not hd.short_flag(["--", "-k"], "k", set())
	not hd.short_flag(["--insecure-ish"], "k", set())
}

test_long_flag if {
	hd.long_flag(["--trusted-host=pypi.org"], "--trusted-host") == "--trusted-host=pypi.org"
	not hd.long_flag(["--trusted-hostess"], "--trusted-host")
}

test_operands_skip_option_values if {
	hd.operands(["-m", "0777", "-d", "/a", "/b"], {"-m"}, {"m"}) == ["/a", "/b"]
	hd.operands(["-o", "pipefail", "-", "x"], {"-o"}, {"o"}) == ["-", "x"]
	hd.operands(["-s", "--", "-M"], set(), set()) == ["-M"]
}

test_symbolic_modes if {
	hd.adds("u+s", "u", "s")
	hd.adds("+s", "g", "s")
	hd.adds("a+rwx", "o", "w")
	hd.adds("ug=rw+s,o-w", "g", "s")
	not hd.adds("u-s", "u", "s")
	not hd.adds("g+s", "u", "s")
	not hd.adds("4755", "u", "s")
}

test_octal_digits if {
	hd.octal_digit("4755", 3) == 4
	hd.octal_digit("755", 3) == 0
	hd.octal_digit("0777", 0) == 7
	not hd.octal_mode("u+s")
}

test_writes_redirect_tee_sed if {
	cmds := [
		{"name": "echo", "args": ["strict-ssl=false"], "pipeline": 0, "pipe_pos": 0, "redirects": [{"op": ">>", "target": "/root/.npmrc"}]},
		{"name": "echo", "args": ["deb [trusted=yes] http://x ./"], "pipeline": 1, "pipe_pos": 0},
		{"name": "tee", "args": ["-a", "/etc/apt/sources.list"], "pipeline": 1, "pipe_pos": 1},
		{"name": "sed", "args": ["-i", "s/gpgcheck=1/gpgcheck=0/", "/etc/yum.conf"], "pipeline": 2, "pipe_pos": 0},
		{"name": "echo", "args": ["to stderr"], "pipeline": 3, "pipe_pos": 0, "redirects": [{"op": "2>", "target": "/dev/null"}]},
	]
	ws := hd.writes({"commands": cmds})
	{w.path | some w in ws} == {"/root/.npmrc", "/etc/apt/sources.list", "/etc/yum.conf"}
}

test_mode_changes if {
	cmds := [
		{"name": "chmod", "args": ["-R", "777", "/app"]},
		{"name": "mkdir", "args": ["-p", "-m", "2775", "/srv/share"]},
		{"name": "install", "args": ["-m", "0755", "-o", "root", "tool", "/usr/local/bin/tool"]},
		{"name": "install", "args": ["-d", "-m0777", "/a", "/b"]},
		{"name": "chmod", "args": ["--reference=/x", "/y"]},
	]
	mcs := hd.mode_changes({"commands": cmds, "command_index": fx.command_index(cmds)})
	{[m.tool, m.mode, m.paths, m.recursive] | some m in mcs} == {
		["chmod", "777", ["/app"], true],
		["mkdir", "2775", ["/srv/share"], false],
		["install", "0755", ["/usr/local/bin/tool"], false],
		["install", "0777", ["/a", "/b"], false],
	}
}

# history_runs: the RUN entries of an image's history with parsed commands,
# shaped like built_runs; runs and the lookups by name cover them. Nothing
# for a Dockerfile, and nothing for entries without a run.
test_history_runs if {
	cb := "RUN |2 A=1 B=2 /bin/sh -c apt-get update && curl -fsSL https://get.docker.com | sudo -E sh # buildkit"
	d := ix.image_doc(ix.with_history([
		ix.hist(0, "ADD", "ADD rootfs.tar.gz / # buildkit", 0),
		ix.run_hist(1, cb, 1),
		ix.hist(2, "RUN", "RUN /bin/sh -c not in the fixtures # buildkit", 2),
	]))
	xs := hd.history_runs with input as d
	count(xs) == 1
	some x in xs
	x.stage == -1
	x.instr.history == 1
	x.instr.run == hx.runs[cb]
	hd.runs == xs with input as d
	{[c.instr.history, c.index] | some c in hd.commands_by_name.curl} == {[1, 1]} with input as d
	hd.built_command_names == {"apt-get", "curl", "sh"} with input as d
	count(hd.history_runs) == 0 with input as fx.doc([], [])
}

# built_writes is writes() of every built RUN: same paths and texts, per
# RUN, across stages; a stage the build does not run writes nothing.
test_built_writes_match_writes if {
	cmds := [
		{"name": "echo", "args": ["strict-ssl=false"], "pipeline": 0, "pipe_pos": 0, "redirects": [{"op": ">>", "target": "/root/.npmrc"}]},
		{"name": "echo", "args": ["deb [trusted=yes] http://x ./"], "pipeline": 1, "pipe_pos": 0, "redirects": [{"op": "<<", "target": "EOF", "heredoc": "more"}]},
		{"name": "tee", "args": ["-a", "/etc/apt/sources.list", "/etc/apt/b.list"], "pipeline": 1, "pipe_pos": 1},
		{"name": "sed", "args": ["-i", "s/gpgcheck=1/gpgcheck=0/", "/etc/yum.conf"], "pipeline": 2, "pipe_pos": 0},
		{"name": "tee", "args": ["/tmp/not-piped"], "pipeline": 3, "pipe_pos": 0},
		{"name": "sed", "args": ["s/a/b/", "/etc/hosts"], "pipeline": 4, "pipe_pos": 0},
	]
	other := [{"name": "echo", "args": ["x"], "pipeline": 0, "pipe_pos": 0, "redirects": [{"op": ">", "target": "/etc/wgetrc"}]}]
	run1 := {"cmd": "run", "run": {"commands": cmds, "command_index": fx.command_index(cmds)}, "location": {"start_line": 2}}
	run2 := {"cmd": "run", "run": {"commands": other, "command_index": fx.command_index(other)}, "location": {"start_line": 4}}
	skipped := {"cmd": "run", "run": {"commands": other, "command_index": fx.command_index(other)}, "location": {"start_line": 6}}
	idx := {"run": [0]}
	doc := {"stages": [
		{"index": 0, "needed_by_final": true, "in_final_chain": false, "instructions": [run1], "instruction_index": idx},
		{"index": 1, "needed_by_final": false, "in_final_chain": false, "instructions": [skipped], "instruction_index": idx},
		{"index": 2, "needed_by_final": true, "in_final_chain": true, "instructions": [run2], "instruction_index": idx},
	]}
	got := {[w.x.stage, w.x.final, w.x.instr.location.start_line, w.path, w.text] | some w in hd.built_writes with input as doc}
	want := {[s, f, r.location.start_line, w.path, w.text] |
		some [s, f, r] in [[0, false, run1], [2, true, run2]]
		some w in hd.writes(r.run)
	}
	got == want
	count(got) == 5
}

# commands_by_name finds the commands of the built RUNs by name, through
# each RUN's command_index; stages the build skips are not looked at.
st(i, needed, in_final, instrs) := object.union(
	fx.stage(i, "", i + 1, fx.image_base("alpine:3.20"), fx.alpine, instrs, fx.runtime({}), [i], in_final),
	{"needed_by_final": needed},
)

test_commands_by_name if {
	cmds := [fx.command(["curl", "-o", "/x", "https://h/x"]), fx.command(["chmod", "+x", "/x"]), fx.command(["curl", "https://h/y"])]
	d := fx.doc([
		st(0, true, false, [fx.run(0, 2, "a", cmds, [])]),
		st(1, false, false, [fx.run(0, 3, "b", [fx.command(["curl", "https://h/z"])], [])]),
		st(2, true, true, [fx.run(0, 4, "c", [fx.command(["git", "clone", "x"])], [])]),
	], [])
	{[x.stage, x.index, x.final, x.cmd.args[count(x.cmd.args) - 1]] | some x in hd.commands_by_name.curl} == {[0, 0, false, "https://h/x"], [0, 2, false, "https://h/y"]} with input as d
	{[x.stage, x.final] | some x in hd.commands_by_name.git} == {[2, true]} with input as d
	not hd.commands_by_name.wget with input as d
	hd.built_command_names == {"curl", "chmod", "git"} with input as d
	# the same as grouping built_commands by name
	{n: {[x.stage, x.index] | some x in xs} | some n, xs in hd.commands_by_name} == {n: {[x.stage, x.index] | some x in hd.built_commands; x.cmd.name == n} | some y in hd.built_commands; n := y.cmd.name} with input as d
}
