package image

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/hardline-dev/hardline/pkg/dockerfile"
	"github.com/hardline-dev/hardline/pkg/secrets"
	"github.com/hardline-dev/hardline/pkg/shellcmd"
)

// instructions are the Dockerfile keywords BuildKit writes at the start of
// created_by, and the classic builder and buildah after "#(nop)".
var instructions = map[string]bool{
	"RUN": true, "COPY": true, "ADD": true, "ENV": true, "ARG": true, "LABEL": true,
	"USER": true, "WORKDIR": true, "CMD": true, "ENTRYPOINT": true, "EXPOSE": true,
	"VOLUME": true, "STOPSIGNAL": true, "HEALTHCHECK": true, "SHELL": true,
	"ONBUILD": true, "MAINTAINER": true,
}

// parsedHistory is what created_by says.
type parsedHistory struct {
	instruction string
	// text is the instruction's arguments; for RUN the shell script (the
	// "/bin/sh -c" prefix and build arguments removed).
	text string
	args [][2]string
	// shell is the shell invocation removed from a RUN ("/bin/sh -c "),
	// "" when none was recorded.
	shell string
}

var argCount = regexp.MustCompile(`^\|(\d+)\s+`)

// parseCreatedBy recognises the three recording styles:
//
//	BuildKit:        RUN |2 A=1 B=2 /bin/sh -c make # buildkit   COPY . /app # buildkit
//	classic/buildah: |2 A=1 B=2 /bin/sh -c make                  /bin/sh -c #(nop) COPY dir:ab12 in /app
func parseCreatedBy(s string) parsedHistory {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(s, "# buildkit"))
	var p parsedHistory
	if rest, ok := cutNop(s); ok {
		kw, arg, _ := strings.Cut(rest, " ")
		if instructions[strings.ToUpper(kw)] {
			p.instruction = strings.ToUpper(kw)
			p.text = strings.TrimSpace(arg)
			return p
		}
		p.text = rest
		return p
	}
	kw, rest, _ := strings.Cut(s, " ")
	switch {
	case instructions[kw]:
		p.instruction = kw
		s = strings.TrimSpace(rest)
		if kw != "RUN" {
			p.text = s
			return p
		}
	case argCount.MatchString(s) || shellPrefix(s) != "":
		p.instruction = "RUN" // the classic builder records RUN without a keyword
	default:
		// Free text some tools write ("BusyBox 1.36.1 (glibc), Debian 12"):
		// not an instruction; still scanned for secrets.
		p.text = s
		return p
	}
	if m := argCount.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		s = s[len(m[0]):]
		p.args, s = splitArgs(s, n)
	}
	p.shell = shellPrefix(s)
	p.text = strings.TrimSpace(strings.TrimPrefix(s, p.shell))
	return p
}

// shells are the shell invocations builders record before a RUN's command.
var shells = []string{"/bin/sh -c ", "/bin/bash -c ", "/bin/sh -o pipefail -c ", "/bin/bash -o pipefail -c ", "/bin/ash -c ", "cmd /S /C ", "powershell -Command "}

// shellPrefix returns the shell invocation a recorded RUN starts with.
func shellPrefix(s string) string {
	for _, sh := range shells {
		if strings.HasPrefix(s, sh) {
			return sh
		}
	}
	return ""
}

func cutNop(s string) (string, bool) {
	for _, pre := range []string{"/bin/sh -c #(nop) ", "/bin/sh -c #(nop)", "#(nop) "} {
		if strings.HasPrefix(s, pre) {
			return strings.TrimSpace(s[len(pre):]), true
		}
	}
	return "", false
}

var assignStart = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// splitArgs takes n NAME=value pairs off the front of s. Values are not
// quoted in the record, so a value runs to the next word that starts a new
// assignment. The last one runs to the shell invocation that follows the
// arguments (`|1 MSG=a b /bin/sh -c make`); without a known shell there,
// it ends at the first space, since guessing further would eat the command.
func splitArgs(s string, n int) ([][2]string, string) {
	out, rest := splitArgWords(s, n)
	if len(out) == n && n > 0 && shellPrefix(rest) == "" {
		at := -1
		for _, sh := range shells {
			if k := strings.Index(rest, " "+sh); k >= 0 && (at < 0 || k < at) {
				at = k
			}
		}
		if at >= 0 {
			out[n-1][1] += " " + rest[:at]
			rest = rest[at+1:]
		}
	}
	return out, rest
}

func splitArgWords(s string, n int) ([][2]string, string) {
	var out [][2]string
	words := strings.Split(s, " ")
	i := 0
	for len(out) < n && i < len(words) {
		w := words[i]
		if !assignStart.MatchString(w) {
			break
		}
		name, value, _ := strings.Cut(w, "=")
		i++
		if len(out) < n-1 {
			for i < len(words) && !assignStart.MatchString(words[i]) {
				value += " " + words[i]
				i++
			}
		}
		out = append(out, [2]string{name, value})
	}
	return out, strings.Join(words[i:], " ")
}

// history fills doc.History and the secrets recorded in it.
func (b *builder) history() {
	if b.img.Config == nil {
		return
	}
	envSecrets := map[string]bool{}
	for _, s := range b.doc.Secrets {
		envSecrets[s.Fingerprint] = true
	}
	for i, h := range b.img.Config.History {
		p := parseCreatedBy(h.CreatedBy)
		e := History{
			Index:       i,
			CreatedBy:   h.CreatedBy,
			Comment:     h.Comment,
			EmptyLayer:  h.EmptyLayer,
			Layer:       -1,
			Instruction: p.instruction,
			BuildArgs:   []EnvVar{},
		}
		var vals []string
		add := func(m secrets.Match, source, name string) {
			got := b.take()
			vals = append(vals, got...)
			if envSecrets[m.Fingerprint] && source != "history-arg" {
				return // the same value is reported where it lives now (Env, label)
			}
			b.addSecret(Secret{Match: m, Source: source, Name: name, History: i, Layer: -1, RemovedIn: -1}, got)
		}
		for _, a := range p.args {
			ev := EnvVar{Name: a[0], Value: a[1]}
			if m := b.det.CheckValue(a[0], a[1]); m != nil {
				ev.Value, ev.Secret = m.Masked, true
				add(*m, "history-arg", a[0])
			} else {
				b.take()
			}
			e.BuildArgs = append(e.BuildArgs, ev)
		}
		switch p.instruction {
		case "RUN":
			res := parseRun(p)
			b.runSecrets(p, res.Commands, add)
			e.Run = newHistoryRun(p.text, res)
		case "ENV", "LABEL", "ARG":
			for _, kv := range splitPairs(p.text) {
				if m := b.det.CheckValue(kv[0], kv[1]); m != nil {
					add(*m, "history", kv[0])
				} else {
					b.take()
				}
			}
		default:
			for _, m := range b.det.ScanText(p.text) {
				add(m, "history", "")
			}
		}
		b.take()
		e.CreatedBy = secrets.MaskIn(h.CreatedBy, vals)
		b.doc.History = append(b.doc.History, e)
	}
}

// runSecrets scans a recorded RUN script as text and as parsed commands,
// whose argv show credentials passed as options (curl -u user:pass).
func (b *builder) runSecrets(p parsedHistory, cmds []shellcmd.Command, add func(secrets.Match, string, string)) {
	seen := map[string]bool{}
	for _, m := range b.det.ScanText(p.text) {
		seen[m.Fingerprint] = true
		add(m, "history-run", "")
	}
	// Build-argument values are not substituted: a credential that only
	// reaches the command through $NAME is recorded (and reported) as the
	// build argument, not a second time as part of the command.
	for _, c := range cmds {
		for _, m := range b.det.ScanArgv(c.Argv) {
			if seen[m.Fingerprint] {
				b.take()
				continue
			}
			seen[m.Fingerprint] = true
			add(m, "history-run", "")
		}
	}
}

// parseRun parses the script of a recorded RUN. Scripts run by a shell
// other than a POSIX one (cmd, powershell) are not parsed. Build arguments
// are not substituted: the record says which were set, not that the script
// saw them (a RUN sees every ARG in scope).
func parseRun(p parsedHistory) shellcmd.Result {
	if strings.HasPrefix(p.shell, "cmd ") || strings.HasPrefix(p.shell, "powershell ") {
		return shellcmd.Result{}
	}
	return shellcmd.Parse(p.text, nil)
}

// newHistoryRun builds the Run facts of a recorded RUN with the
// constructor the Dockerfile facts use, so that the two cannot drift.
func newHistoryRun(script string, res shellcmd.Result) *HistoryRun {
	cf := dockerfile.NewCommandFacts(script, res.Commands)
	return &HistoryRun{
		Script:       script,
		Commands:     cf.Commands,
		CommandIndex: cf.CommandIndex,
		Piped:        cf.Piped,
		URLs:         cf.URLs,
		Packages:     cf.Packages,
		ParseError:   res.Error,
	}
}

// mask replaces every secret value of vals in every text the facts carry
// (however the script quotes it, see secrets.MaskIn), then derives
// command_index, urls and packages again from the masked commands.
func (r *HistoryRun) mask(vals []string) {
	if len(vals) == 0 {
		return
	}
	m := func(s string) string { return secrets.MaskIn(s, vals) }
	r.Script = m(r.Script)
	r.ParseError = m(r.ParseError)
	for i := range r.Commands {
		c := &r.Commands[i]
		for _, list := range [][]string{c.Argv, c.Args, c.Wrappers} {
			for j := range list {
				list[j] = m(list[j])
			}
		}
		c.Name, c.Text = m(c.Name), m(c.Text)
		if len(c.Assigns) > 0 {
			as := make(map[string]string, len(c.Assigns))
			for k, v := range c.Assigns {
				as[m(k)] = m(v)
			}
			c.Assigns = as
		}
		for j := range c.Redirects {
			c.Redirects[j].Target = m(c.Redirects[j].Target)
			c.Redirects[j].Heredoc = m(c.Redirects[j].Heredoc)
		}
	}
	cf := dockerfile.NewCommandFacts(r.Script, r.Commands)
	r.CommandIndex, r.URLs, r.Packages = cf.CommandIndex, cf.URLs, cf.Packages
}

// splitPairs reads the NAME=value pairs of an ENV/LABEL/ARG record. BuildKit
// records `ENV A=b C=d`; older builders `ENV A=b` or `ENV A b`.
func splitPairs(s string) [][2]string {
	var out [][2]string
	words := strings.Fields(s)
	if len(words) >= 2 && !strings.Contains(words[0], "=") {
		return [][2]string{{words[0], strings.Join(words[1:], " ")}}
	}
	for _, w := range words {
		if k, v, ok := strings.Cut(w, "="); ok {
			out = append(out, [2]string{k, strings.Trim(v, `"'`)})
		} else if len(out) > 0 {
			out[len(out)-1][1] += " " + w
		}
	}
	return out
}
