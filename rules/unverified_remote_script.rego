# METADATA
# title: Remote script run without a checksum or signature check
# description: |
#   `curl … | sh` runs whatever the server (or anyone able to tamper with
#   the download, the CDN or the project's hosting) sends at that moment,
#   as root, in the build. Nothing records what was run: the next build may
#   run something else, and a compromised install script leaves no trace in
#   the Dockerfile. The same holds for `bash <(curl …)`, `sh -c "$(curl …)"`,
#   `eval "$(wget -O- …)"`, a script piped into python/perl/ruby/node, and a
#   script downloaded to a file and run in the same RUN without a
#   `sha256sum -c`, `gpg --verify` (or similar) between the download and the
#   run.
#
#   Downloads to stdout piped into something that does not execute it (`|
#   tar x`, `| jq`, `| python -c '…'`) and scripts checked before they run
#   are not reported. In images, the RUN commands recorded in the history
#   are judged the same way, as parsed commands (text that only mentions
#   `curl … | sh`, as in an `echo`, is not a use).
# custom:
#   id: HL1031
#   name: unverified-remote-script
#   severity: medium
#   tags: [supply-chain]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2", "4.1.3"]
#   remediation: |
#     Download a pinned version of the script or installer, check it against
#     a checksum (or the publisher's signature) recorded in the Dockerfile,
#     then run it:
#
#         ARG NODESOURCE_SHA256=…
#         RUN curl -fsSLo /tmp/setup.sh https://deb.nodesource.com/setup_20.x \
#          && echo "${NODESOURCE_SHA256}  /tmp/setup.sh" | sha256sum -c - \
#          && bash /tmp/setup.sh && rm /tmp/setup.sh
#
#     Better still, install from the distribution's signed packages or the
#     vendor's signed apt/yum repository.
#   examples:
#     bad: |
#       FROM debian:12-slim
#       RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
#     good: |
#       FROM debian:12-slim
#       ARG SETUP_SHA256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
#       RUN curl -fsSLo /tmp/setup.sh https://deb.nodesource.com/setup_20.x \
#        && echo "${SETUP_SHA256}  /tmp/setup.sh" | sha256sum -c - \
#        && bash /tmp/setup.sh
package hardline.rules.unverified_remote_script

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.hardening as hd
import data.hardline.lib.image as img

shells := {"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"}

interpreters := {"perl", "ruby", "node", "php"}

downloaders := {"curl", "wget"}

# interpreter(name): a shell or a language interpreter that can read a
# program from stdin.
interpreter(n) if n in shells

interpreter(n) if n in interpreters

interpreter(n) if {
	startswith(n, "python")
	regex.match(`^python[0-9.]*$`, n)
}

# interpreter_commands: the built commands that run an interpreter
# (interpreter(name)): the names of the build that are known shells or
# interpreters, or python versions.
interpreter_commands contains x if {
	some n in (shells | interpreters) & hd.built_command_names
	some x in hd.commands_by_name[n]
}

interpreter_commands contains x if {
	some n in hd.built_command_names
	startswith(n, "python")
	regex.match(`^python[0-9.]*$`, n)
	some x in hd.commands_by_name[n]
}

# ---------------------------------------------------------------------------
# Dockerfiles
# ---------------------------------------------------------------------------

# Every finding of a Dockerfile RUN.
deny contains r if {
	some h in hits
	r := finding(h.x, h.what, h.verb, h.runner, h.url, h.key)
}

# hits: the unverified runs of downloads among the commands of hd.runs (a
# Dockerfile's RUNs or the RUNs recorded in an image's history), as {"x":
# the command (hd.built_commands), "what", "verb", "runner", "url", "key"}.

# curl … | sh: a download to stdout piped into an interpreter reading its
# program from stdin.
hits contains h if {
	some n in downloaders & hd.built_command_names
	some x in hd.commands_by_name[n]
	d := x.cmd
	to_stdout(d)
	some e in lib.list(x.instr.run.commands)
	e.pipeline == d.pipeline
	e.pipe_pos > d.pipe_pos
	reads_program_from_stdin(e)
	h := hit(x, sprintf("%s … | %s", [d.name, e.name]), "pipes a download into", e.name, url_of(d), "pipe")
	not pinned(url_of(d))
}

# bash <(curl …), source <(curl …)
hits contains h if {
	some x in script_runners
	e := x.cmd
	some a in e.args
	startswith(a, "<(")
	regex.match(`^<\(\s*(\S*/)?(curl|wget)\s`, a)
	h := hit(x, sprintf("%s <(%s …)", [e.name, substitution_tool(a)]), "runs a download with", e.name, url_in(a), "process-substitution")
	not pinned(url_in(a))
}

# sh -c "$(curl …)", eval "$(curl …)"
hits contains h if {
	some x in inline_code_runners
	e := x.cmd
	code := inline_code(e)
	regex.match("^\\s*(\\$\\(|`)\\s*(\\S*/)?(curl|wget)\\s", code)
	h := hit(x, sprintf("%s \"$(%s …)\"", [e.name, substitution_tool(code)]), "runs a download with", e.name, url_in(code), "command-substitution")
	not pinned(url_in(code))
}

# curl -o x.sh URL && sh x.sh, with no check between.
hits contains h if {
	some n in downloaders & hd.built_command_names
	some x in hd.commands_by_name[n]
	cmds := lib.list(x.instr.run.commands)
	i := x.index
	d := x.cmd
	some f in downloaded_files(d)
	b := lib.basename(f)
	some j, e in cmds
	j > i
	contains(e.text, b) # mentions(e, b), inlined: one test per later command
	executes(e, f)
	not verified_between(cmds, i, j)
	h := hit(x, sprintf("%s … %s, then %s", [d.name, f, program_word(e)]), "downloads and runs", lib.basename(f), url_of(d), sprintf("download:%s", [lib.basename(f)]))
	not pinned(url_of(d))
}

hit(x, what, verb, runner, url, key) := {"x": x, "what": what, "verb": verb, "runner": runner, "url": url, "key": key}

finding(x, what, verb, runner, url, key) := {
	"msg": sprintf("%s %s %s%s without checking a checksum or signature: whatever the server sends is run as part of the build (RUN in %s)", [what, verb, runner, url_text(url), hd.where(x)]),
	"location": x.instr.location,
	"stage": x.stage,
	"key": sprintf("%s:%s", [key, lib.redact_url(url)]),
}

# pinned(u): the URL names a git commit (`…/raw/<40 hex digits>/…`): its
# content cannot change without the commit id changing.
pinned(u) if regex.match(`/[0-9a-f]{40}(/|$)`, u)

url_text("") := ""

url_text(u) := sprintf(" from %s", [lib.redact_url(u)]) if u != ""

url_of(d) := u if {
	us := [a | some a in d.args; regex.match(`(?i)^[a-z][a-z0-9+.-]*://`, a)]
	u := us[0]
} else := ""

url_in(s) := u if {
	u := regex.find_n(`(?i)[a-z][a-z0-9+.-]*://[^\s"'|;&)<>]+`, s, 1)[0]
} else := ""

substitution_tool(s) := regex.find_all_string_submatch_n(`(curl|wget)`, s, 1)[0][1]

# script_runners: the built commands that run a script file: interpreters,
# `source` and `.`.
script_runners := interpreter_commands | {x |
	some n in {"source", "."} & hd.built_command_names
	some x in hd.commands_by_name[n]
}

# inline_code_runners: the built commands inline_code may accept.
inline_code_runners := interpreter_commands | {x | some x in hd.commands_by_name.eval}

# to_stdout(d): a downloader that writes what it fetched to stdout.
to_stdout(d) if {
	d.name == "curl"
	not curl_output_file(d.args)
}

to_stdout(d) if {
	d.name == "wget"
	wget_output(d.args) in {"-", "/dev/stdout"}
}

curl_output_file(args) if {
	some a in hd.options(args)
	a in {"-O", "--remote-name", "--remote-name-all", "-J", "--remote-header-name"}
}

curl_output_file(args) if {
	f := curl_output(args)
	not f in {"-", "/dev/stdout"}
}

curl_output_file(args) if {
	some a in hd.options(args)
	regex.match(`^-[A-Za-z]*O[A-Za-z]*$`, a)
	not regex.match(`^-[A-Za-z]*o`, a)
}

# curl_output(args): the -o/--output file.
curl_output(args) := v if {
	some i, a in hd.options(args)
	a in {"-o", "--output"}
	v := hd.value_after(args, i)
} else := v if {
	some i, a in hd.options(args)
	regex.match(`^-[A-Za-z]*o$`, a)
	v := hd.value_after(args, i)
} else := substring(a, 9, -1) if {
	some a in hd.options(args)
	startswith(a, "--output=")
} else := v if {
	some a in hd.options(args)
	regex.match(`^-[a-np-zA-Z]*o.+`, a)
	v := substring(a, indexof(a, "o") + 1, -1)
}

# wget_output(args): the -O/--output-document file, "" when wget names the
# file after the URL.
wget_output(args) := v if {
	some i, a in hd.options(args)
	regex.match(`^(-[A-Za-z]*O|--output-document)$`, a)
	v := hd.value_after(args, i)
} else := substring(a, 18, -1) if {
	some a in hd.options(args)
	startswith(a, "--output-document=")
} else := substring(a, indexof(a, "O") + 1, -1) if {
	some a in hd.options(args)
	regex.match(`^-[A-NP-Za-z]*O.+`, a)
} else := ""

# downloaded_files(d): where a downloader saved a file.
downloaded_files(d) := (({f |
	d.name == "curl"
	f := curl_output(d.args)
	not f in {"-", "/dev/stdout"}
} | {lib.basename(u) |
	d.name == "curl"
	curl_remote_name(d.args)
	some u in d.args
	regex.match(`(?i)^https?://`, u)
}) | {f |
	d.name == "wget"
	f := wget_output(d.args)
	not f in {"", "-", "/dev/stdout"}
}) | {lib.basename(regex.replace(u, `[?#].*$`, "")) |
	d.name == "wget"
	wget_output(d.args) == ""
	some u in d.args
	regex.match(`(?i)^(https?|ftp)://`, u)
}

curl_remote_name(args) if {
	some a in hd.options(args)
	regex.match(`^(-[A-Za-z]*O[A-Za-z]*|--remote-name(-all)?)$`, a)
}

# reads_program_from_stdin(e): an interpreter with no script operand (or
# `-`, /dev/stdin, or a shell's -s), and no inline program (-c, -e, -r, -m).
reads_program_from_stdin(e) if {
	interpreter(e.name)
	not inline_program(e)
	stdin_program(e)
}

stdin_program(e) if {
	e.name in shells
	some a in hd.options(e.args)
	regex.match(`^-[A-Za-z]*s[A-Za-z]*$`, a)
}

stdin_program(e) if {
	ops := hd.operands(e.args, {"-o", "+o", "-O", "+O", "-W", "-X", "-I", "-r", "--require"}, {"o", "O", "W", "X"})
	count(ops) == 0
}

stdin_program(e) if {
	ops := hd.operands(e.args, {"-o", "+o", "-O", "+O", "-W", "-X", "-I", "-r", "--require"}, {"o", "O", "W", "X"})
	ops[0] in {"-", "/dev/stdin"}
}

stdin_program(e) if {
	e.args[0] in {"-", "/dev/stdin"}
}

inline_program(e) if {
	some a in hd.options(e.args)
	regex.match(`^-[A-Za-z]*[ceEmpr][A-Za-z]*$|^--(eval|print|command)`, a)
	not e.name in shells
}

inline_program(e) if {
	e.name in shells
	hd.short_flag(e.args, "c", {"o", "O"})
}

# inline_code(e): the program given inline to a shell (`-c CODE`), to eval,
# or to an interpreter (`python -c CODE`, `perl -e CODE`).
inline_code(e) := e.args[i + 1] if {
	some i, a in e.args
	startswith(a, "-")
	regex.match(`^-[A-Za-z]*[ce]$`, a)
	i + 1 < count(e.args)
	interpreter(e.name)
} else := concat(" ", e.args) if {
	e.name == "eval"
}

# mentions(e, b): the words of command e contain b. executes(e, f) needs
# the basename of f in the program word or the script operand (both are
# words of argv), so this cheap test spares evaluating it for the other
# commands of the RUN.
mentions(e, b) if contains(e.text, b)

# executes(e, f): command e runs the file f: by path (`./install.sh`,
# `/tmp/f`), or as the script operand of an interpreter (`sh install.sh`).
executes(e, f) if {
	p := program_word(e)
	contains(p, "/")
	lib.basename(p) == lib.basename(f)
}

executes(e, f) if {
	interpreter(e.name)
	not inline_program(e)
	ops := hd.operands(e.args, {"-o", "+o", "-O", "+O", "-W", "-X", "-I"}, {"o", "O", "W", "X"})
	count(ops) > 0
	lib.basename(ops[0]) == lib.basename(f)
}

# program_word(e): the program as written (after wrappers such as sudo).
program_word(e) := e.argv[(count(e.argv) - count(e.args)) - 1] if count(e.argv) > count(e.args)

else := e.name

# verified_between(cmds, i, j): a checksum or signature check runs between
# the download (i) and the execution (j).
verified_between(cmds, i, j) if {
	some k, c in cmds
	k > i
	k < j
	verifier(c)
}

verifier(c) if regex.match(`^(sha(1|224|256|384|512)?sum|shasum|md5sum|b2sum|cksum|gpgv2?|minisign|signify|cosign|sigstore|rekor-cli|slsa-verifier)$`, c.name)

verifier(c) if {
	c.name in {"gpg", "gpg2"}
	some a in c.args
	a in {"--verify", "--verify-files"}
}

verifier(c) if {
	c.name == "openssl"
	some a in c.args
	a in {"dgst", "-verify"}
}

# ---------------------------------------------------------------------------
# Images: RUN commands recorded in the history
# ---------------------------------------------------------------------------

deny contains r if {
	some h in hits
	i := h.x.instr.history
	r := img.finding(
		sprintf("%s%s in the RUN of history entry %d: a downloaded script is run without checking a checksum or signature: whatever the server sends is run as part of the build", [h.what, url_text(h.url), i]),
		sprintf("%s:%s", [h.key, lib.redact_url(h.url)]),
		-1, i, "",
	)
}
