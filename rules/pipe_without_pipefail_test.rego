package hardline.rules.pipe_without_pipefail_test

import data.hardline.lib.fixtures as fx
import data.hardline.rules.pipe_without_pipefail as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

cmd(name, args, pipeline, pos, n) := {"argv": array.concat([name], args), "text": concat(" ", array.concat([name], args)), "name": name, "args": args, "pipeline": pipeline, "pipe_pos": pos, "pipe_len": n, "line": 1, "conditional": false}

run(line, shell, cmds) := fx.instr(0, "run", line, ["x"], {"run": {"script": "x", "commands": cmds, "command_index": fx.command_index(cmds), "piped": fx.piped(cmds), "packages": [], "urls": [], "build_args_in_scope": [], "shell": shell}})

doc(instr) := fx.doc([fx.stage(0, "", 1, fx.image_base("debian:bookworm"), fx.debian, [instr], fx.runtime({}), [0], true)], [])

curl_tar := [cmd("curl", ["-fsSL", "https://x/t.tgz"], 0, 0, 2), cmd("tar", ["-xz"], 0, 1, 2)]

sh := ["/bin/sh", "-c"]

test_pipe_default_shell if {
	fs := findings(doc(run(2, sh, curl_tar)))
	count(fs) == 1
	some f in fs
	f.location.start_line == 2
	contains(f.msg, "pipes curl into tar")
}

test_shell_with_pipefail if {
	count(findings(doc(run(2, ["/bin/bash", "-o", "pipefail", "-c"], curl_tar)))) == 0
}

test_shell_with_clustered_option if {
	count(findings(doc(run(2, ["/bin/ash", "-euxo", "pipefail", "-c"], curl_tar)))) == 0
}

test_shell_pipefail_without_o_flag_does_not_count if {
	count(findings(doc(run(2, ["/bin/bash", "-c", "pipefail"], curl_tar)))) == 1
}

test_set_before_pipe if {
	cmds := array.concat([cmd("set", ["-eo", "pipefail"], 0, 0, 1)], [cmd("curl", [], 1, 0, 2), cmd("tar", [], 1, 1, 2)])
	count(findings(doc(run(2, sh, cmds)))) == 0
}

test_set_after_pipe_does_not_count if {
	cmds := array.concat(curl_tar, [cmd("set", ["-o", "pipefail"], 1, 0, 1)])
	count(findings(doc(run(2, sh, cmds)))) == 1
}

test_echo_upstream_not_reported if {
	cmds := [cmd("echo", ["deb http://x"], 0, 0, 2), cmd("tee", ["/etc/apt/sources.list"], 0, 1, 2)]
	count(findings(doc(run(2, sh, cmds)))) == 0
}

test_three_stage_pipe_with_echo_first if {
	cmds := [cmd("echo", ["x"], 0, 0, 3), cmd("gpg", ["--dearmor"], 0, 1, 3), cmd("tee", ["/k"], 0, 2, 3)]
	fs := findings(doc(run(2, sh, cmds)))
	some f in fs
	contains(f.msg, "pipes gpg into tee")
}

test_no_pipe if {
	count(findings(doc(run(2, sh, [cmd("apt-get", ["update"], 0, 0, 1)])))) == 0
}

test_exec_form_has_no_shell if {
	count(findings(doc(run(2, [], curl_tar)))) == 0
}

test_dash_explicit if {
	count(findings(doc(run(2, ["/bin/dash", "-c"], curl_tar)))) == 0
}

test_powershell if {
	count(findings(doc(run(2, ["powershell", "-Command"], curl_tar)))) == 0
}

test_one_finding_per_run if {
	cmds := array.concat(curl_tar, [cmd("wget", ["-O-"], 1, 0, 2), cmd("sh", [], 1, 1, 2)])
	count(findings(doc(run(2, sh, cmds)))) == 1
}

test_compound_last_element if {
	cmds := [cmd("curl", [], 0, 0, 2), cmd("cd", ["/"], 0, 1, 2), cmd("sh", [], 0, 1, 2)]
	fs := findings(doc(run(2, sh, cmds)))
	some f in fs
	contains(f.msg, "pipes curl into cd")
}
