// Package shellcmd turns the shell text of a RUN instruction into the ordered
// list of simple commands it executes, using mvdan.cc/sh/v3, so that rules can
// reason about argv instead of matching regular expressions against text.
package shellcmd

// Command is one simple command found in a script, in execution order
// (left to right, outer to inner; the bodies of functions, subshells,
// if/for/while blocks and command substitutions are all included).
//
// The script of `sh -c SCRIPT`, `eval` or `sh <<EOF` is parsed as the
// enclosing shell hands it over. Where SCRIPT holds the output of an
// expansion the enclosing shell made (`bash -c "$(curl …)"`, `eval
// "$VARS"` with VARS unknown), that output is code nobody can see: its
// substitutions are not listed twice, and no command is made up from it.
type Command struct {
	// Argv are the command's words. Words that are fully literal are given
	// as-is (quotes removed). Parameter expansions whose value is known from
	// the environment passed to Parse are substituted; unknown ones are kept
	// in their ${NAME} form so that rules can still see them.
	Argv []string `json:"argv"`
	// Name is the base name of the program actually run: Argv[0] with any
	// directory removed (slashes inside an expansion left unevaluated, as
	// in "$(curl -L https://h/i.sh)" or "${PY:-/usr/bin/python3}", are not
	// directories), after stripping transparent wrappers (sudo, env,
	// nice, nohup, exec, command, time, timeout, stdbuf, xargs, gosu,
	// su-exec, busybox; su -c is not unwrapped but its script is parsed).
	Name string `json:"name"`
	// Args are the arguments after Name (the unwrapped argv minus the
	// program itself).
	Args []string `json:"args"`
	// Text is Argv joined by single spaces (wrappers included), so that a
	// rule asking whether a command mentions a word or file name makes one
	// string test instead of joining the words itself.
	Text string `json:"text"`
	// Wrappers lists the wrappers that were stripped, e.g. ["sudo"].
	Wrappers []string `json:"wrappers,omitempty"`
	// RunAs is the user a wrapper runs the program as: `sudo -u USER`
	// (any spelling of the option), `gosu USER`, `su-exec USER[:GROUP]`;
	// the innermost such wrapper wins. Empty when none names one (plain
	// sudo runs as root). Added in hardline.dockerfile/v1.4 and
	// hardline.image/v1.4.
	RunAs string `json:"run_as,omitempty"`
	// Assigns are the NAME=value prefix assignments of the command.
	Assigns map[string]string `json:"assigns,omitempty"`
	// Pipeline identifies the pipeline this command is part of (numbered
	// from 0 in the order pipelines start executing), and PipePos its
	// position in it (0 = first). PipeLen is the number of commands in that
	// pipeline (1 when not piped). Every command of a compound pipeline
	// element, as in `curl x | (cd /; sh)`, shares that element's position.
	Pipeline int `json:"pipeline"`
	PipePos  int `json:"pipe_pos"`
	PipeLen  int `json:"pipe_len"`
	// Redirects are the redirections of this command in source order, so
	// rules can see `echo x >> ~/.npmrc`. Redirections of an enclosing
	// compound command (`{ a; b; } > f`) come first.
	Redirects []Redirect `json:"redirects,omitempty"`
	// Line is the 1-based line of the command inside the script text (0 past
	// line 262143, where the parser stops counting). Commands of a nested
	// `sh -c` script are reported at their line in the outer script.
	Line int `json:"line"`
	// Conditional is true when the command only runs on a branch
	// (right side of || or &&, inside if/case/loops).
	Conditional bool `json:"conditional"`
}

// Redirect is an output or input redirection of a command.
type Redirect struct {
	// Op is the operator, prefixed by the file descriptor when one is
	// given, so that `2>/dev/null` ("2>") is not mistaken for stdout:
	// ">", ">>", "2>", "<", "<<", "<<-", "<<<", ">&", "2>&", "&>" ...
	Op string `json:"op"`
	// Target is the expanded target word; for here-documents it is the
	// delimiter word.
	Target string `json:"target"`
	// Heredoc is the body of a `<<`/`<<-` here-document, with parameters
	// expanded as for Argv unless the delimiter is quoted (then it is
	// verbatim). Secrets are often written to files this way.
	Heredoc string `json:"heredoc,omitempty"`
}

// Result is the outcome of parsing one script.
type Result struct {
	Commands []Command `json:"commands"`
	// Vars are the names of all parameters referenced by the script
	// ($X, ${X}, ${X:-y}), sorted and de-duplicated.
	Vars []string `json:"vars,omitempty"`
	// Error is set when the script could not be parsed as POSIX/bash; the
	// commands found before the error are still returned when possible.
	Error string `json:"error,omitempty"`
}
