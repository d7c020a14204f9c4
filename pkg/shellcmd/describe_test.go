package shellcmd

import (
	"fmt"
	"sort"
	"strings"
)

// describe renders a command compactly so table cases can assert every
// field on one line:
//
//	L<line> P<pipeline>:<pos>/<len> [?] [wrap+wrap>]name args {K=V} op target<<body>>
//
// "?" marks a conditional command; args containing spaces or nothing are
// quoted with %q.
func describe(c Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "L%d P%d:%d/%d ", c.Line, c.Pipeline, c.PipePos, c.PipeLen)
	if c.Conditional {
		b.WriteString("? ")
	}
	if len(c.Wrappers) > 0 {
		b.WriteString(strings.Join(c.Wrappers, "+") + ">")
	}
	b.WriteString(c.Name)
	for _, a := range c.Args {
		b.WriteString(" " + quoteIfNeeded(a))
	}
	if len(c.Assigns) > 0 {
		keys := make([]string, 0, len(c.Assigns))
		for k := range c.Assigns {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		kv := make([]string, len(keys))
		for i, k := range keys {
			kv[i] = k + "=" + quoteIfNeeded(c.Assigns[k])
		}
		b.WriteString(" {" + strings.Join(kv, " ") + "}")
	}
	for _, r := range c.Redirects {
		b.WriteString(" " + r.Op + " " + quoteIfNeeded(r.Target))
		if r.Heredoc != "" {
			fmt.Fprintf(&b, "<<%q>>", r.Heredoc)
		}
	}
	return b.String()
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\n\"\\") {
		return fmt.Sprintf("%q", s)
	}
	return s
}
