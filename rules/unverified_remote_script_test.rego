package hardline.rules.unverified_remote_script_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.unverified_remote_script as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

one(instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base("debian:12"), fx.debian, instrs, fx.runtime({}), [0], true)], [])

run_of(cmds) := fx.run(0, 2, "script", cmds, [])

c(argv) := fx.command(argv)

# piped(argvs): one pipeline of these commands.
piped(argvs) := [object.union(c(a), {"pipeline": 0, "pipe_pos": i, "pipe_len": count(argvs)}) | some i, a in argvs]

keys(cmds) := {f.key | some f in findings(one([run_of(cmds)]))}

test_curl_pipe_bash if {
	fs := findings(one([run_of(piped([["curl", "-fsSL", "https://deb.nodesource.com/setup_20.x"], ["bash", "-"]]))]))
	count(fs) == 1
	some f in fs
	f.key == "pipe:https://deb.nodesource.com/setup_20.x"
	startswith(f.msg, "curl … | bash pipes a download into bash from https://deb.nodesource.com/setup_20.x without checking a checksum or signature")
}

test_pipe_variants if {
	keys(piped([["wget", "-qO-", "https://h/i.sh"], ["sh", "-s", "--", "--flag"]])) == {"pipe:https://h/i.sh"}
	keys(piped([["curl", "-sSL", "https://aka.ms/x"], ["bash", "/dev/stdin", "-v", "latest"]])) == {"pipe:https://aka.ms/x"}
	keys(piped([["curl", "https://bootstrap.pypa.io/get-pip.py"], ["python3"]])) == {"pipe:https://bootstrap.pypa.io/get-pip.py"}
	keys(piped([["curl", "-s", "https://h/x.sh"], ["tee", "/tmp/x"], ["sh"]])) == {"pipe:https://h/x.sh"}
}

# Piped into something that does not run it, or a download to a file.
test_pipe_not_executed if {
	count(keys(piped([["curl", "-fsSL", "https://h/x.tgz"], ["tar", "xz"]]))) == 0
	count(keys(piped([["curl", "-s", "https://api.github.com/x"], ["python3", "-c", "import json,sys; print(json.load(sys.stdin))"]]))) == 0
	count(keys(piped([["curl", "-s", "https://h/x"], ["sh", "-c", "cat > /x"]]))) == 0
	count(keys(piped([["wget", "https://h/x.sh"], ["sh"]]))) == 0
	count(keys(piped([["curl", "-o", "/x.sh", "https://h/x.sh"], ["sh"]]))) == 0
	count(keys(piped([["curl", "https://h/x"], ["sh", "./local.sh"]]))) == 0
}

test_process_substitution if {
	keys([c(["bash", "<(curl -s https://h/a.sh)"])]) == {"process-substitution:https://h/a.sh"}
}

test_command_substitution if {
	keys([c(["sh", "-c", "$(curl -fsSL https://h/install.sh)", "", "--unattended"])]) == {"command-substitution:https://h/install.sh"}
	keys([c(["eval", "$(wget -qO- https://h/env)"])]) == {"command-substitution:https://h/env"}
	count(keys([c(["sh", "-c", "echo $(curl -s https://h/v)"])])) == 0
}

test_download_then_run if {
	ks := keys([c(["curl", "-fsSLo", "/tmp/install.sh", "https://h/install.sh"]), c(["sh", "/tmp/install.sh"])])
	ks == {"download:install.sh:https://h/install.sh"}
	ks2 := keys([c(["wget", "https://h/linux-install.sh"]), c(["chmod", "+x", "linux-install.sh"]), c(["./linux-install.sh"])])
	ks2 == {"download:linux-install.sh:https://h/linux-install.sh"}
}

test_download_verified_ok if {
	cmds := [
		c(["curl", "-fsSLo", "/tmp/install.sh", "https://h/install.sh"]),
		object.union(c(["echo", "abc  /tmp/install.sh"]), {"pipeline": 1, "pipe_pos": 0, "pipe_len": 2}),
		object.union(c(["sha256sum", "-c", "-"]), {"pipeline": 1, "pipe_pos": 1, "pipe_len": 2}),
		c(["sh", "/tmp/install.sh"]),
	]
	count(keys(cmds)) == 0
	gpg := [c(["curl", "-O", "https://h/x.run"]), c(["gpg", "--verify", "x.run.asc", "x.run"]), c(["bash", "x.run"])]
	count(keys(gpg)) == 0
}

# A downloaded binary run by name, or a file downloaded but never run.
test_download_not_run_as_script if {
	count(keys([c(["curl", "-Lo", "/usr/local/bin/kubectl", "https://h/kubectl"]), c(["kubectl", "version"])])) == 0
	count(keys([c(["curl", "-Lo", "/tmp/x.sh", "https://h/x.sh"]), c(["cat", "/tmp/x.sh"])])) == 0
}

# Pinned to a git commit: the content cannot change.
test_commit_pinned_ok if {
	count(keys([c(["wget", "-O", "/usr/local/bin/dind", "https://github.com/docker/docker/raw/8d9e3502aba39127e4d12196dae16d306f76993d/hack/dind"]), c(["sh", "/usr/local/bin/dind"])])) == 0
}

# However it is run: piped, by process or command substitution.
test_commit_pinned_any_runner_ok if {
	u := "https://raw.githubusercontent.com/nvm-sh/nvm/8fbf8ab69522c2bac0a3ba6ed2e2a3a5a4d5c6b7/install.sh"
	count(keys([c(["bash", sprintf("<(curl -s %s)", [u])])])) == 0
	count(keys([c(["sh", "-c", sprintf("$(curl -fsSL %s)", [u])])])) == 0
	count(keys(piped([["curl", "-fsSL", u], ["bash"]]))) == 0
}

test_builder_stage_reported if {
	b := object.union(fx.stage(0, "build", 1, fx.image_base("debian:12"), fx.debian, [fx.run(0, 2, "s", piped([["curl", "https://h/i.sh"], ["sh"]]), [])], fx.runtime({}), [0], false), {"needed_by_final": true})
	final := fx.stage(1, "", 3, fx.image_base("debian:12"), fx.debian, [], fx.runtime({}), [1], true)
	fs := findings(fx.doc([b, final], []))
	some f in fs
	contains(f.msg, "a build stage the final image does not inherit")
}

# --- images ---------------------------------------------------------------------

hist_doc(texts) := ix.image_doc(ix.with_history([ix.run_hist(i, t, i) | some i, t in texts]))

image_keys(texts) := {[f.key, f.history] | some f in findings(hist_doc(texts))}

test_image_history if {
	image_keys([
		"RUN /bin/sh -c curl -sL https://deb.nodesource.com/setup_12.x | bash - # buildkit",
		"RUN /bin/sh -c wget -qO- https://h/i.sh | sh -s -- -x # buildkit",
		"/bin/sh -c bash -c \"$(curl -L https://installer.blackfire.io/installer.sh)\"",
		"RUN /bin/sh -c bash <(curl -s https://h/a.sh) # buildkit",
		"RUN /bin/sh -c curl -fsSL https://h/x.tgz | tar xz # buildkit",
		"RUN /bin/sh -c wget https://h/x.sh | sh # buildkit",
		"RUN /bin/sh -c curl -s https://h/v.json | python3 -c 'import json' # buildkit",
	]) == {
		["pipe:https://deb.nodesource.com/setup_12.x", 0],
		["pipe:https://h/i.sh", 1],
		["command-substitution:https://installer.blackfire.io/installer.sh", 2],
		["process-substitution:https://h/a.sh", 3],
	}
}

# The message keeps the history format: what ran, the URL, the entry.
test_image_history_message if {
	fs := findings(hist_doc(["RUN /bin/sh -c curl -sL https://deb.nodesource.com/setup_12.x | bash - # buildkit"]))
	count(fs) == 1
	some f in fs
	f.msg == "curl … | bash from https://deb.nodesource.com/setup_12.x in the RUN of history entry 0: a downloaded script is run without checking a checksum or signature: whatever the server sends is run as part of the build"
	f.history == 0
}

# Recording styles (BuildKit with build arguments, classic), chains and
# sudo before the shell, a line continuation inside the pipeline, and a
# download run from a file: the same commands as in a Dockerfile.
test_image_history_parsed if {
	image_keys([
		"RUN |2 A=1 B=2 /bin/sh -c apt-get update && curl -fsSL https://get.docker.com | sudo -E sh # buildkit",
		"|1 V=2 /bin/sh -c set -eux; curl -fsSL https://h/c.sh | bash",
		"RUN /bin/sh -c curl -fsSL \\\n    https://h/lc.sh \\\n  | bash # buildkit",
		"RUN /bin/sh -c curl -fsSLo /tmp/i.sh https://h/i2.sh && sh /tmp/i.sh # buildkit",
	]) == {
		["pipe:https://get.docker.com", 0],
		["pipe:https://h/c.sh", 1],
		["pipe:https://h/lc.sh", 2],
		["download:i.sh:https://h/i2.sh", 3],
	}
}

# Text that only mentions a download run (echo, single quotes) and a
# download checked before it runs are not reported.
test_image_history_mentions_are_not_runs if {
	count(image_keys([
		`RUN /bin/sh -c echo "curl -fsSL https://h/q.sh | sh" >> /README # buildkit`,
		`RUN /bin/sh -c echo "to install: curl -fsSL https://h/q.sh | sh; exit" > /README # buildkit`,
		`RUN /bin/sh -c eval "echo '$(curl -s https://h/e.sh)'" > /dev/null; echo 'bash <(curl -s https://h/p.sh)' # buildkit`,
		"RUN /bin/sh -c curl -fsSLo /tmp/i.sh https://h/i2.sh && echo \"abc  /tmp/i.sh\" | sha256sum -c - && sh /tmp/i.sh # buildkit",
	])) == 0
}

# An entry without parsed commands (a record the parser could not read as
# a RUN) is not judged.
test_image_history_without_run if {
	d := ix.image_doc(ix.with_history([ix.hist(0, "RUN", "RUN /bin/sh -c curl -s https://h/u.sh | sh # buildkit (not a fixture)", 0)]))
	count(findings(d)) == 0
}

test_image_clean if count(findings(ix.image_doc({}))) == 0

# --- lookups by command name and prefilters ----------------------------------

# Interpreters under versioned names; a name that only starts like one is
# not an interpreter.
test_interpreter_names if {
	keys(piped([["curl", "-s", "https://h/a.py"], ["python3.11"]])) == {"pipe:https://h/a.py"}
	keys([c(["python3", "<(curl -s https://h/b.py)"])]) == {"process-substitution:https://h/b.py"}
	keys([c(["source", "<(curl -s https://h/env.sh)"])]) == {"process-substitution:https://h/env.sh"}
	keys([c(["python3", "-c", "$(curl -s https://h/c.py)"])]) == {"command-substitution:https://h/c.py"}
	count(keys(piped([["curl", "-s", "https://h/a.py"], ["pythonx"]]))) == 0
	count(keys([c(["cat", "<(curl -s https://h/b)"])])) == 0
	count(keys([c(["echo", "$(curl -s https://h/c)"])])) == 0
}

# Several downloads in one RUN: each is matched with the command that runs
# it; a later command naming a file that only contains the name does not
# run it.
test_download_run_matching if {
	ks := keys([
		c(["curl", "-fsSLo", "/tmp/a.sh", "https://h/a.sh"]),
		c(["wget", "-O", "/tmp/b.sh", "https://h/b.sh"]),
		c(["sh", "/tmp/b.sh"]),
		c(["sh", "/tmp/a.sh.orig"]),
	])
	ks == {"download:b.sh:https://h/b.sh"}
	count(keys([c(["sh", "/tmp/a.sh"]), c(["curl", "-fsSLo", "/tmp/a.sh", "https://h/a.sh"])])) == 0
}

# A download piped into an interpreter in another pipeline of the same RUN,
# or in another RUN, is not a pipe into it.
test_pipe_other_pipeline if {
	cmds := [
		object.union(c(["curl", "-s", "https://h/x"]), {"pipeline": 0, "pipe_pos": 0, "pipe_len": 2}),
		object.union(c(["jq", "."]), {"pipeline": 0, "pipe_pos": 1, "pipe_len": 2}),
		object.union(c(["echo", "hi"]), {"pipeline": 1, "pipe_pos": 0, "pipe_len": 2}),
		object.union(c(["sh"]), {"pipeline": 1, "pipe_pos": 1, "pipe_len": 2}),
	]
	count(keys(cmds)) == 0
	d := one([run_of([c(["curl", "-s", "https://h/x"])]), fx.run(1, 3, "s", [c(["sh"])], [])])
	count(findings(d)) == 0
}
