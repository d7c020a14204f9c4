# METADATA
# title: hardline hardening helpers
# description: |
#   Shared helpers for the hardening rules (verification disabled, remote
#   scripts, sudo, ssh, ports, file modes): the RUN instructions a build
#   executes, command-line option lookups that understand clustered short
#   options and the `--` end-of-options marker, the text a RUN writes into
#   files, chmod-style mode parsing, and the RUN scripts recorded in an
#   image's history.
package hardline.lib.hardening

import data.hardline.lib.dockerfile as lib

# ---------------------------------------------------------------------------
# RUN instructions the build executes
# ---------------------------------------------------------------------------

# built_runs: RUN instructions of every stage the build of the final image
# executes (BuildKit skips the stages the target does not need), as
# {"stage": index, "instr": instruction, "final": the final image inherits
# the stage's filesystem}. ONBUILD triggers are not part of this build.
built_runs contains {"stage": s.index, "instr": instr, "final": s.in_final_chain == true} if {
	some s in input.stages
	s.needed_by_final
	some i in s.instruction_index.run
	instr := s.instructions[i]
	is_object(instr.run)
}

# runs: the RUNs whose commands the helpers below look at: built_runs for a
# Dockerfile, history_runs for an image (a document is one or the other).
runs contains x if some x in built_runs

runs contains x if some x in history_runs

# built_commands: every simple command of runs, with its index in its
# RUN (commands of nested `sh -c` strings included, see pkg/shellcmd).
built_commands contains {"stage": x.stage, "instr": x.instr, "final": x.final, "index": i, "cmd": c} if {
	some x in runs
	some i, c in lib.list(x.instr.run.commands)
}

# commands_by_name: built_commands grouped by command name, as {name:
# [command]}. Rules that look for a few programs (curl, apt-get, the rpm
# managers) look them up here instead of each scanning every command of the
# build: commands_by_name.curl builds the entries of the curl commands only
# (through each RUN's command_index), once per document. Callers with a set
# of names intersect it with built_command_names first, so that absent names
# cost no lookup.
commands_by_name[n] := [x |
	some r in runs
	some i in r.instr.run.command_index[n]
	x := {"stage": r.stage, "instr": r.instr, "final": r.final, "index": i, "cmd": r.instr.run.commands[i]}
] if {
	some n in built_command_names
}

# built_command_names: the names of the commands of runs.
built_command_names contains n if {
	some r in runs
	some n, _ in r.instr.run.command_index
}

# where(x): "stage 1 (\"builder\"), which the final image does not inherit"
# style text for messages about a RUN or ENV of stage x.stage.
where(x) := lib.stage_label(x.stage) if x.final

else := sprintf("%s, a build stage the final image does not inherit", [lib.stage_label(x.stage)])

# ---------------------------------------------------------------------------
# Packages the final image keeps
# ---------------------------------------------------------------------------

# kept_packages(names): packages of names installed by a system package
# manager in a RUN of the final chain and not removed afterwards (in the
# same RUN or a later one of the chain, by name or through the virtual
# package they were installed under), as {"stage", "instr", "package"}.
kept_packages(names) := {{"stage": x.stage, "instr": x.instr, "package": p} |
	count(names & final_installed_lower) > 0 # none of them is installed at all: nothing to look at
	some x in lib.final_runs
	some op in lib.system_install_ops(x.instr.run)
	some p in lib.list(op.packages)
	lower(p) in names
	not removed_after(x, op, p)
}

# final_installed_lower: lib.final_installed_packages, lower-cased.
final_installed_lower := {lower(p) | some p in lib.final_installed_packages}

# removed_after(x, op, p): a remove operation after the install removes p,
# or the virtual package op installed it under.
removed_after(x, op, p) if {
	some y in lib.final_runs
	some k, rm in lib.packages(y.instr.run)
	rm.action == "remove"
	some q in lib.list(rm.packages)
	q in ({p, lib.str(object.get(op, "virtual", ""))} - {""})
	after(y, k, x, op.command)
}

# after(y, k, x, c): command k of RUN y runs after command c of RUN x
# (stages of a chain come in file order, so lines order them).
after(y, _, x, _) if y.instr.location.start_line > x.instr.location.start_line

after(y, k, x, c) if {
	y.instr.location.start_line == x.instr.location.start_line
	lib.packages(y.instr.run)[k].command > c
}

# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------

# options(args): the arguments before a `--` end-of-options marker: what
# follows `--` is operands (`sh -s -- -k` passes -k to the script).
options(args) := args if {
	not "--" in args
} else := array.slice(args, 0, n) if {
	n := min({i | some i, a in args; a == "--"})
} else := args

# long_flag(args, name): the long option as written (`--insecure`,
# `--trusted-host=pypi.org`), when present among the options.
long_flag(args, name) := a if {
	some a in options(args)
	a == name
} else := a if {
	some a in options(args)
	startswith(a, concat("", [name, "="]))
}

# short_flag(args, letter, valued): a cluster of short options that sets
# the option letter (`-k`, `-fsSLk`), when present among the options.
# valued are the letters whose option takes a value: in `-ok` the k is the
# value of -o, not an option of its own.
short_flag(args, letter, valued) := a if {
	some i, a in options(args)
	regex.match(`^-[A-Za-z0-9]+$`, a)
	not is_option_value(args, i, set(), valued)
	chars := split(substring(a, 1, -1), "")
	some j, ch in chars
	ch == letter
	count({k | some k in numbers.range(0, j - 1); j > 0; chars[k] in valued}) == 0
}

# operands(args, valued_long, valued_short): the arguments that are not
# options nor option values, in order. valued_long are long options taking
# their value as the next word; valued_short the short letters that do (when
# last in a cluster).
operands(args, valued_long, valued_short) := [a |
	some i, a in args
	not is_option_word(args, i)
	not is_option_value(args, i, valued_long, valued_short)
]

is_option_word(args, i) if {
	startswith(args[i], "-")
	args[i] != "-"
	i < end_of_options(args)
}

is_option_word(args, i) if i == end_of_options(args)

end_of_options(args) := min({i | some i, a in args; a == "--"}) if {
	some a in args
	a == "--"
} else := count(args)

is_option_value(args, i, valued_long, _) if {
	i > 0
	i <= end_of_options(args)
	args[i - 1] in valued_long
}

is_option_value(args, i, _, valued_short) if {
	i > 0
	i <= end_of_options(args)
	prev := args[i - 1]
	regex.match(`^-[A-Za-z0-9]+$`, prev)
	substring(prev, count(prev) - 1, 1) in valued_short
}

# value_after(args, i): the word after position i, "" at the end.
value_after(args, i) := args[i + 1] if i + 1 < count(args)

else := ""

# ---------------------------------------------------------------------------
# Text written into files by a RUN
# ---------------------------------------------------------------------------

write_ops := {">", ">>", "1>", "1>>", ">|", "&>", "&>>"}

# writes(run): what a RUN writes into files, as [{"path", "text",
# "command"}]: the arguments of a command whose output is redirected to the
# file (`echo 'strict-ssl=false' >> ~/.npmrc`) with the here-documents it
# reads (`cat > f <<EOF`), what is piped into `tee FILE`, and the script of
# `sed -i` edits of a file.
writes(run) := array.concat(array.concat(redirect_writes(run), tee_writes(run)), sed_writes(run))

redirect_writes(run) := [{"path": r.target, "text": command_text(c), "command": i} |
	some i, c in lib.list(run.commands)
	some r in lib.list(c.redirects)
	r.op in write_ops
]

# built_writes: writes() of every RUN of runs, as {"x": the RUN
# (stage, instr, final, as in runs), "path", "text"}. One pass over
# the commands and lookups of tee and sed by name, where calling writes()
# per RUN takes three passes over every command.
built_writes contains {"x": x, "path": r.target, "text": command_text(c)} if {
	some x in runs
	some c in x.instr.run.commands
	some r in c.redirects
	r.op in write_ops
}

built_writes contains {"x": run_of(x), "path": p, "text": concat("\n", texts)} if {
	some x in commands_by_name.tee
	c := x.cmd
	c.pipe_pos > 0
	texts := [command_text(d) |
		some d in lib.list(x.instr.run.commands)
		d.pipeline == c.pipeline
		d.pipe_pos < c.pipe_pos
	]
	some p in operands(c.args, set(), set())
}

built_writes contains {"x": run_of(x), "path": p, "text": concat(" ", c.args)} if {
	some x in commands_by_name.sed
	c := x.cmd
	some a in c.args
	regex.match(`^(-[A-Za-z]*i|--in-place)`, a)
	some p in c.args
	startswith(p, "/")
}

run_of(x) := {"stage": x.stage, "instr": x.instr, "final": x.final}

# command_text(c): the arguments and here-document bodies of a command.
command_text(c) := concat("\n", array.concat(lib.list(c.args), [lib.str(r.heredoc) | some r in lib.list(c.redirects); lib.str(r.heredoc) != ""]))

tee_writes(run) := [{"path": p, "text": concat("\n", texts), "command": i} |
	cmds := lib.list(run.commands)
	some i, c in cmds
	c.name == "tee"
	c.pipe_pos > 0
	texts := [command_text(d) |
		some d in cmds
		d.pipeline == c.pipeline
		d.pipe_pos < c.pipe_pos
	]
	some p in operands(c.args, set(), set())
]

sed_writes(run) := [{"path": p, "text": concat(" ", c.args), "command": i} |
	some i, c in lib.list(run.commands)
	c.name == "sed"
	some a in c.args
	regex.match(`^(-[A-Za-z]*i|--in-place)`, a)
	some p in c.args
	startswith(p, "/")
]

# ---------------------------------------------------------------------------
# File modes (chmod, mkdir -m, install -m, COPY --chmod)
# ---------------------------------------------------------------------------

# mode_changes(run): the mode changes of a RUN, as [{"command": index,
# "tool": "chmod" | "mkdir" | "install", "mode": mode as written, "paths":
# targets, "recursive": bool, "find_files": the chmod runs from `find -type
# f -exec`}]. Targets that are still variables are kept as written.
mode_changes(run) := array.concat(chmod_changes(run), mode_option_changes(run))

chmod_changes(run) := [{"command": i, "tool": "chmod", "mode": ops[0], "paths": array.slice(ops, 1, count(ops)), "recursive": chmod_recursive(c.args), "find_files": false} |
	some i in run.command_index.chmod
	c := run.commands[i]
	ops := chmod_operands(c.args)
	count(ops) >= 2
]

# chmod options never take a separate value except --reference (whose value
# is a file, and then there is no mode operand).
chmod_operands(args) := [a |
	some i, a in args
	not chmod_option(args, i)
]

chmod_option(args, i) if {
	regex.match(`^-[RvcfhHLP]+$|^--[a-z-]+(=.*)?$`, args[i])
	i < end_of_options(args)
}

chmod_option(args, i) if i == end_of_options(args)

chmod_recursive(args) if {
	some a in options(args)
	regex.match(`^-[A-Za-z]*R|^--recursive$`, a)
}

else := false

# mkdir -m MODE DIR..., install -m MODE SRC... DEST (or -d DIR...).
mode_option_changes(run) := [{"command": i, "tool": c.name, "mode": mode, "paths": targets, "recursive": false, "find_files": false} |
	some name in ["mkdir", "install"]
	some i in run.command_index[name]
	c := run.commands[i]
	mode := mode_option(c.args)
	ops := operands(c.args, {"-m", "--mode", "-o", "--owner", "-g", "--group", "-t", "--target-directory", "-S", "--suffix", "-Z", "--context"}, {"m", "o", "g", "t", "S"})
	count(ops) > 0
	targets := install_targets(c.name, c.args, ops)
]

mode_option(args) := args[i + 1] if {
	some i, a in options(args)
	a in {"-m", "--mode"}
	i + 1 < count(args)
} else := substring(a, 2, -1) if {
	some a in options(args)
	regex.match(`^-m.`, a)
} else := substring(a, 7, -1) if {
	some a in options(args)
	startswith(a, "--mode=")
}

# install copies SRC... to DEST (the last operand) unless -d makes every
# operand a directory.
install_targets("mkdir", _, ops) := ops

install_targets("install", args, ops) := ops if {
	some a in options(args)
	regex.match(`^-[A-Za-z]*d|^--directory$`, a)
} else := [ops[count(ops) - 1]]

# octal_mode(m): the mode is a number (`777`, `0755`, `4755`).
octal_mode(m) if regex.match(`^[0-7]{1,5}$`, m)

# octal_digit(m, k): the k-th digit from the right of an octal mode (0 =
# other, 1 = group, 2 = user, 3 = special bits), 0 when absent.
octal_digit(m, k) := to_number(substring(m, (count(m) - 1) - k, 1)) if {
	octal_mode(m)
	count(m) > k
} else := 0

# symbolic_clauses(m): the clauses of a symbolic mode as {"who", "op",
# "perms"}: `u+s,g-w` -> two clauses; `a+rwx` -> who "a". A clause may chain
# operations (`u=rw+x`): each becomes its own clause.
symbolic_clauses(m) := [{"who": who, "op": op[1], "perms": op[2]} |
	not octal_mode(m)
	some clause in split(m, ",")
	parts := regex.find_all_string_submatch_n(`^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$`, clause, 1)
	count(parts) == 1
	who := parts[0][1]
	some op in regex.find_all_string_submatch_n(`([-+=])([rwxXstugo]*)`, parts[0][2], -1)
]

# adds(m, who_letters, perm): the mode sets permission perm for one of the
# classes in who_letters ("" who means all, as for `chmod +s`).
adds(m, who_letters, perm) if {
	some c in symbolic_clauses(m)
	c.op in {"+", "="}
	contains(c.perms, perm)
	applies_to(c.who, who_letters)
}

applies_to("", _) := true

applies_to(who, _) if contains(who, "a")

applies_to(who, letters) if {
	some l in split(letters, "")
	contains(who, l)
}

# final_mode_changes: the mode changes of the final chain's RUNs and
# COPY/ADD --chmod, as {"stage", "instr", "change": a mode_changes element
# (COPY/ADD: tool "copy", command -1)}.
final_mode_changes contains {"stage": x.stage, "instr": x.instr, "change": mc} if {
	some x in lib.final_runs
	some mc in mode_changes(x.instr.run)
}

final_mode_changes contains {"stage": x.stage, "instr": x.instr, "change": mc} if {
	some x in lib.final_copies
	m := lib.str(x.instr.copy.chmod)
	m != ""
	mc := {"command": -1, "tool": "copy", "mode": m, "paths": [lib.str(x.instr.copy.dest)], "recursive": false, "find_files": false}
}

# later_change(y, x, m): mode change y comes after change x (a later
# instruction of the chain, or a later command of the same RUN).
later_change(y, x) if y.instr.location.start_line > x.instr.location.start_line

later_change(y, x) if {
	y.instr.location.start_line == x.instr.location.start_line
	y.change.command > x.change.command
}

# removed_later(x, p): a command after change x in the same RUN, or a later
# RUN of the final chain, deletes p or a directory above it (`rm -rf`).
removed_later(x, p) if {
	some y in lib.final_runs
	some k in y.instr.run.command_index.rm
	c := y.instr.run.commands[k]
	command_after(y, k, x)
	some a in c.args
	not startswith(a, "-")
	covers(trim_right(a, "/"), p)
}

command_after(y, _, x) if y.instr.location.start_line > x.instr.location.start_line

command_after(y, k, x) if {
	y.instr.location.start_line == x.instr.location.start_line
	k > x.change.command
}

# covers(dir, p): p is dir or below it.
covers(dir, p) if dir == trim_right(p, "/")

covers(dir, p) if {
	dir != ""
	startswith(p, concat("", [dir, "/"]))
}

# ---------------------------------------------------------------------------
# Images: RUN scripts recorded in the history
# ---------------------------------------------------------------------------

# history_runs: the RUN entries of an image's history, shaped like the
# entries of built_runs so that the same helpers judge them: {"stage": -1,
# "instr": {"cmd": "run", "history": the entry's index, "run": its parsed
# script (pkg/image HistoryRun: commands, command_index, piped, urls, as a
# Dockerfile RUN's)}, "final": true}. Build arguments are not substituted
# in the record. Image branches tell them from Dockerfile RUNs by
# instr.history; a Dockerfile given with --dockerfile is linted on its own.
history_runs contains {"stage": -1, "instr": {"cmd": "run", "history": h.index, "run": h.run}, "final": true} if {
	input.kind == "image"
	some h in lib.list(input.history)
	is_object(h.run)
}
