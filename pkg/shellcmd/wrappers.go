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
			if strings.IndexByte(name, '=') < 0 {
				for _, l := range o.longVal {
					if l == name {
						i++
						break
					}
				}
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

// unwrap strips transparent wrappers from argv and returns the index of the
// real program, the wrappers in order, and NAME=value pairs that env/sudo
// put into the program's environment. A wrapper with nothing left to run
// (`env`, `xargs` alone) is itself the program.
func unwrap(argv []string) (start int, wrappers []string, assigns [][2]string) {
	for start < len(argv)-1 {
		name := baseName(argv[start])
		rest := argv[start+1:]
		var n int
		switch name {
		case "sudo", "env":
			spec := sudoOpts
			if name == "env" {
				spec = envOpts
			}
			n = spec.skipOpts(rest)
			for n < len(rest) {
				if name == "env" && rest[n] == "-" {
					n++
					continue
				}
				k, v, ok := strings.Cut(rest[n], "=")
				if !ok || !isName(k) {
					break
				}
				assigns = append(assigns, [2]string{k, v})
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
					return start, wrappers, assigns
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
		case "busybox":
			if strings.HasPrefix(rest[0], "-") {
				return start, wrappers, assigns
			}
		default:
			return start, wrappers, assigns
		}
		if n >= len(rest) {
			return start, wrappers, assigns
		}
		wrappers = append(wrappers, name)
		start += 1 + n
	}
	return start, wrappers, assigns
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
