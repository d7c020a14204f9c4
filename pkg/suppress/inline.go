// Package suppress reads inline suppression comments from Dockerfiles:
//
//	# hardline ignore=HL1001,build-deps-in-final reason="runs as root by design"
//	RUN ...
//
// applies to findings that start on the next instruction, and
//
//	# hardline ignore-file=HL1004 reason="init is provided by the platform"
//
// applies to the whole file. Rules may be named by id or name.
package suppress

import (
	"fmt"
	"strconv"
	"strings"
)

// Directive is one parsed suppression comment.
type Directive struct {
	Rules  []string // ids or names, as written
	Reason string
	Line   int  // line of the comment
	File   bool // ignore-file form
	// Target is the start line of the instruction the directive applies to
	// (0 for file-wide directives, or when no instruction follows).
	Target int
}

// Problem is a malformed directive; it is reported, never silently dropped.
type Problem struct {
	Line int
	Msg  string
}

// Span is an instruction's line range; directives inside one (for example in
// a heredoc body) are not comments and are ignored.
type Span struct{ Start, End int }

// Parse finds directives in src. spans are the instructions' line ranges in
// file order (FROM included).
func Parse(src []byte, spans []Span) ([]Directive, []Problem) {
	var dirs []Directive
	var probs []Problem
	lines := strings.Split(string(src), "\n")
	si := 0
	for i, raw := range lines {
		ln := i + 1
		for si < len(spans) && spans[si].End < ln {
			si++
		}
		if si < len(spans) && spans[si].Start <= ln && ln <= spans[si].End {
			continue
		}
		text := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if !strings.HasPrefix(text, "#") {
			continue
		}
		body := strings.TrimSpace(strings.TrimPrefix(text, "#"))
		if len(body) < len("hardline") || !strings.EqualFold(body[:len("hardline")], "hardline") {
			continue
		}
		rest := body[len("hardline"):]
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			continue // e.g. "# hardliner", not ours
		}
		// Prose that starts with the word ("# hardline scans this file")
		// is not a directive; key=value, or a misspelt ignore, is.
		if first := strings.ToLower(firstWord(strings.TrimSpace(rest))); !strings.Contains(first, "=") && !strings.HasPrefix(first, "ignore") {
			continue
		}
		d, err := parseDirective(strings.TrimSpace(rest))
		if err != "" {
			probs = append(probs, Problem{Line: ln, Msg: err})
			continue
		}
		d.Line = ln
		if !d.File {
			if si < len(spans) {
				d.Target = spans[si].Start
			} else {
				probs = append(probs, Problem{Line: ln, Msg: "hardline ignore comment is not followed by an instruction"})
				continue
			}
		}
		dirs = append(dirs, d)
	}
	return dirs, probs
}

func parseDirective(s string) (Directive, string) {
	var d Directive
	seenIgnore := false
	for s != "" {
		key, val, rest, err := nextPair(s)
		if err != "" {
			return d, err
		}
		s = rest
		switch strings.ToLower(key) {
		case "ignore", "ignore-file":
			if seenIgnore {
				return d, "hardline directive has more than one ignore= list"
			}
			seenIgnore = true
			d.File = strings.EqualFold(key, "ignore-file")
			for _, r := range strings.Split(val, ",") {
				if r = strings.TrimSpace(r); r != "" {
					d.Rules = append(d.Rules, r)
				}
			}
			if len(d.Rules) == 0 {
				return d, "hardline " + key + "= needs at least one rule id or name"
			}
		case "reason":
			d.Reason = val
		case "owner", "expires":
			// Time-boxed, owned waivers are reviewed in one place, where
			// their expiry is checked and announced; a comment scattered in
			// a Dockerfile would silently outlive its date.
			return d, fmt.Sprintf("%s= is not supported in a hardline ignore comment: put a waiver with owner and expires under ignore: in .hardline.yaml", strings.ToLower(key))
		default:
			return d, fmt.Sprintf("unknown hardline directive key %q (want ignore=, ignore-file= or reason=)", key)
		}
	}
	if !seenIgnore {
		return d, "hardline directive needs ignore=ID[,ID] or ignore-file=ID[,ID]"
	}
	return d, ""
}

// nextPair reads key=value where value may be double-quoted.
func nextPair(s string) (key, val, rest, err string) {
	eq := strings.IndexByte(s, '=')
	if eq <= 0 {
		return "", "", "", fmt.Sprintf("malformed hardline directive near %q: want key=value", firstWord(s))
	}
	key = strings.TrimSpace(s[:eq])
	s = s[eq+1:]
	if strings.HasPrefix(s, `"`) {
		q, err2 := strconv.QuotedPrefix(s)
		if err2 != nil {
			return "", "", "", "unterminated quoted value in hardline directive"
		}
		val, _ = strconv.Unquote(q)
		s = s[len(q):]
	} else {
		end := strings.IndexAny(s, " \t")
		if end < 0 {
			end = len(s)
		}
		val = s[:end]
		s = s[end:]
	}
	return key, val, strings.TrimSpace(s), ""
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

// Match returns the first directive that suppresses a finding of the rule
// (id or name) starting at line, or nil.
func Match(dirs []Directive, id, name string, line int) *Directive {
	for i := range dirs {
		d := &dirs[i]
		if !d.File && d.Target != line {
			continue
		}
		for _, r := range d.Rules {
			if strings.EqualFold(r, id) || strings.EqualFold(r, name) || r == "*" {
				return d
			}
		}
	}
	return nil
}
