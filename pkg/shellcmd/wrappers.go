package shellcmd

import "strings"

// baseName is Argv[0] without its directory; a trailing slash yields the
// word unchanged rather than "".
func baseName(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 && i < len(s)-1 {
		return s[i+1:]
	}
	return s
}

// optSpec describes a wrapper's options: short letters that take a value
// (attached as in -n1 or as the next word) and long options that take the
// next word as value when not written with '='.
type optSpec struct {
	shortVal string
	longVal  []string
}

// takesLong reports whether the long option name (no "--", no "=value")
// takes the next word as its value.
func (o optSpec) takesLong(name string) bool {
	for _, l := range o.longVal {
		if l == name {
			return true
		}
	}
	return false
}

// skipOpts returns the index of the first operand of args.
func (o optSpec) skipOpts(args []string) int {
	i := 0
	for i < len(args) {
		a := args[i]
		if a == "--" {
			return i + 1
		}
		if len(a) < 2 || a[0] != '-' {
			return i
		}
		if a[1] == '-' {
			name := a[2:]
			i++
			if strings.IndexByte(name, '=') < 0 && o.takesLong(name) {
				i++
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			if strings.IndexByte(o.shortVal, a[j]) >= 0 {
				if j == len(a)-1 {
					i++ // value is the next word
				}
				break // rest of the cluster is the value
			}
		}
		i++
	}
	return i
}

var (
	sudoOpts    = optSpec{"CDghpRrTtUu", []string{"close-from", "chdir", "group", "host", "prompt", "chroot", "role", "command-timeout", "type", "other-user", "user"}}
	envOpts     = optSpec{"uCS", []string{"unset", "chdir"}}
	niceOpts    = optSpec{"n", []string{"adjustment"}}
	plainOpts   = optSpec{}
	execOpts    = optSpec{"a", nil}
	timeOpts    = optSpec{"fo", []string{"format", "output"}}
	timeoutOpts = optSpec{"sk", []string{"signal", "kill-after"}}
	stdbufOpts  = optSpec{"ioe", []string{"input", "output", "error"}}
	xargsOpts   = optSpec{"nLPsdEIa", []string{"max-args", "max-lines", "max-procs", "max-chars", "delimiter", "eof", "arg-file", "process-slot-var"}}
)

// unwrapped is what unwrap finds: the index of the real program in argv,
// the wrappers in order, the NAME=value pairs that env/sudo put into the
// program's environment, and the user the last of sudo -u, gosu and su-exec
// runs it as ("" when none names one).
type unwrapped struct {
	start    int
	wrappers []string
	assigns  [][2]string
	runAs    string
}

// unwrap strips transparent wrappers from argv. A wrapper with nothing left
// to run (`env`, `xargs` alone) is itself the program.
func unwrap(argv []string) unwrapped {
	var u unwrapped
	for u.start < len(argv)-1 {
		name := baseName(argv[u.start])
		rest := argv[u.start+1:]
		var n int
		as := "" // the user this wrapper names, if it wraps a program
		switch name {
		case "sudo", "env":
			spec := sudoOpts
			if name == "env" {
				spec = envOpts
			}
			n = spec.skipOpts(rest)
			if name == "sudo" {
				as = sudoUser(rest[:n])
			}
			for n < len(rest) {
				if name == "env" && rest[n] == "-" {
					n++
					continue
				}
				k, v, ok := strings.Cut(rest[n], "=")
				if !ok || !isName(k) {
					break
				}
				u.assigns = append(u.assigns, [2]string{k, v})
				n++
			}
		case "nice":
			n = niceOpts.skipOpts(rest)
		case "nohup":
			n = plainOpts.skipOpts(rest)
		case "exec":
			n = execOpts.skipOpts(rest)
		case "command":
			n = plainOpts.skipOpts(rest)
			// `command -v x` looks x up instead of running it.
			for _, a := range rest[:n] {
				if strings.HasPrefix(a, "-") && strings.ContainsAny(a, "vV") {
					return u
				}
			}
		case "time":
			n = timeOpts.skipOpts(rest)
		case "timeout":
			n = timeoutOpts.skipOpts(rest) + 1 // the duration
		case "stdbuf":
			n = stdbufOpts.skipOpts(rest)
		case "xargs":
			n = xargsOpts.skipOpts(rest)
		case "gosu", "su-exec":
			n = 1 // the user
			as, _, _ = strings.Cut(rest[0], ":")
		case "busybox":
			if strings.HasPrefix(rest[0], "-") {
				return u
			}
		default:
			return u
		}
		if n >= len(rest) {
			return u
		}
		if as != "" {
			u.runAs = as
		}
		u.wrappers = append(u.wrappers, name)
		u.start += 1 + n
	}
	return u
}

// sudoUser returns the user sudo's options name: -u USER, --user USER,
// --user=USER, -uUSER, or -u last in a cluster (-Hu USER); "" for none.
func sudoUser(opts []string) string {
	user := ""
	for i := 0; i < len(opts); i++ {
		a := opts[i]
		switch {
		case a == "--":
			return user
		case a == "--user" && i+1 < len(opts):
			user = opts[i+1]
			i++
		case strings.HasPrefix(a, "--user="):
			user = a[len("--user="):]
		case strings.HasPrefix(a, "--"):
			if i+1 < len(opts) && sudoOpts.takesLong(a[2:]) {
				i++
			}
		case len(a) > 1 && a[0] == '-':
			// In a cluster, the first letter that takes a value takes the
			// rest of the word, or the next word when it is last.
			for j := 1; j < len(a); j++ {
				if strings.IndexByte(sudoOpts.shortVal, a[j]) < 0 {
					continue
				}
				value := a[j+1:]
				if value == "" && i+1 < len(opts) {
					i++
					value = opts[i]
				}
				if a[j] == 'u' {
					user = value
				}
				break
			}
		}
	}
	return user
}

var shells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true, "ksh": true, "mksh": true}

// scriptLoc locates the script a command runs among its arguments: the
// arguments from..to-1 joined by spaces, less cut leading bytes.
type scriptLoc struct{ from, to, cut int }

func (l scriptLoc) text(args []string) string {
	if l.to == l.from+1 {
		return args[l.from][l.cut:]
	}
	return strings.Join(args[l.from:l.to], " ")[l.cut:]
}

// spans returns the spans of text(args), given the spans of args (nil or
// parallel to args).
func (l scriptLoc) spans(args []string, argSpans [][]span) []span {
	var out []span
	for _, s := range joinedSpans(args, argSpans, l.from, l.to) {
		if s.end > l.cut {
			out = append(out, span{max(s.start-l.cut, 0), s.end - l.cut, s.inherited})
		}
	}
	return out
}

// nestedScript locates the script run by `sh -c SCRIPT` (any option
// cluster containing c, as in -ec or -euxc), `su ... -c SCRIPT` or
// `eval ARGS`.
func nestedScript(name string, args []string) (scriptLoc, bool) {
	if name == "eval" {
		return scriptLoc{0, len(args), 0}, len(args) > 0
	}
	if name == "su" || name == "runuser" {
		for i, a := range args {
			switch {
			case (a == "-c" || a == "--command") && i+1 < len(args):
				return scriptLoc{i + 1, i + 2, 0}, true
			case strings.HasPrefix(a, "--command="):
				return scriptLoc{i, i + 1, len("--command=")}, true
			}
		}
		return scriptLoc{}, false
	}
	if !shells[name] {
		return scriptLoc{}, false
	}
	hasC := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || a == "-" {
			if hasC && i+1 < len(args) {
				return scriptLoc{i + 1, i + 2, 0}, true
			}
			return scriptLoc{}, false
		}
		if strings.HasPrefix(a, "--") {
			if a == "--rcfile" || a == "--init-file" {
				i++
			}
			continue
		}
		if len(a) > 1 && (a[0] == '-' || a[0] == '+') {
			for j := 1; j < len(a); j++ {
				switch a[j] {
				case 'c':
					hasC = true
				case 'o', 'O':
					i++ // -o pipefail
				}
			}
			continue
		}
		if hasC {
			return scriptLoc{i, i + 1, 0}, true
		}
		return scriptLoc{}, false
	}
	return scriptLoc{}, false
}
