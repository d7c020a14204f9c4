package pkgops

import "strings"

// optSpec tells which options of a CLI take a value, so that values such
// as `--repository URL` or `-o Opt=val` are never mistaken for packages.
type optSpec struct {
	// shortVal lists short option letters taking a value, either attached
	// (-oFoo=1, -rreq.txt) or as the next word.
	shortVal string
	// longVal lists long options (without dashes) taking the next word as
	// value when not written as --name=value.
	longVal map[string]bool
}

func longs(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// optVal is an option that carried a value.
type optVal struct {
	name string // without dashes: "t", "virtual", "r"
	val  string
}

type parsedArgs struct {
	pos   []string
	flags []string
	vals  []optVal
	// bools are the option names without value, one entry per short letter
	// of a cluster, so callers can test for -g or --global cheaply.
	bools []string
}

func (p *parsedArgs) has(names ...string) bool {
	for _, b := range p.bools {
		for _, n := range names {
			if b == n {
				return true
			}
		}
	}
	return false
}

func (p *parsedArgs) val(names ...string) string {
	v := ""
	for _, o := range p.vals {
		for _, n := range names {
			if o.name == n {
				v = o.val // the last one wins, as in most CLIs
			}
		}
	}
	return v
}

// parse splits args into operands and options. global applies until the
// first operand (the subcommand) and sub afterwards, because some CLIs
// (zypper) reuse letters with different meanings on either side.
func parse(args []string, global, sub optSpec) parsedArgs {
	var p parsedArgs
	spec := global
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			p.pos = append(p.pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			p.pos = append(p.pos, a)
			spec = sub
			continue
		}
		p.flags = append(p.flags, a)
		if a[1] == '-' {
			name, v, hasEq := strings.Cut(a[2:], "=")
			switch {
			case hasEq:
				p.vals = append(p.vals, optVal{name, v})
			case spec.longVal[name] && i+1 < len(args):
				i++
				p.flags = append(p.flags, args[i])
				p.vals = append(p.vals, optVal{name, args[i]})
			default:
				p.bools = append(p.bools, name)
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			letter := a[j : j+1]
			if strings.IndexByte(spec.shortVal, a[j]) < 0 {
				p.bools = append(p.bools, letter)
				continue
			}
			switch {
			case j < len(a)-1:
				p.vals = append(p.vals, optVal{letter, a[j+1:]})
			case i+1 < len(args):
				i++
				p.flags = append(p.flags, args[i])
				p.vals = append(p.vals, optVal{letter, args[i]})
			}
			break
		}
	}
	return p
}
