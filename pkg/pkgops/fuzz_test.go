package pkgops

import (
	"strings"
	"testing"

	"github.com/hardline-dev/hardline/pkg/shellcmd"
)

// FuzzParse runs arbitrary RUN text through shellcmd and pkgops and checks
// the Op invariants rules rely on.
func FuzzParse(f *testing.F) {
	for _, tc := range opCases {
		f.Add(tc.script)
	}
	f.Fuzz(func(t *testing.T, script string) {
		cmds := shellcmd.Parse(script, lookup).Commands
		// Also try the words directly as argv, which reaches flag parsing
		// with inputs the shell parser would reject.
		if fields := strings.Fields(script); len(fields) > 0 {
			cmds = append(cmds, shellcmd.Command{Name: fields[0], Args: fields[1:]})
		}
		for _, op := range FromCommands(cmds) {
			if op.Command < 0 || op.Command >= len(cmds) {
				t.Fatalf("bad command index %d", op.Command)
			}
			if len(op.Packages) != len(op.Specs) {
				t.Fatalf("packages %q vs specs %q", op.Packages, op.Specs)
			}
			switch op.Action {
			case Install, Remove, Update, Upgrade, Clean, Other:
			default:
				t.Fatalf("bad action %q", op.Action)
			}
			for i, s := range op.Specs {
				if strings.TrimSpace(s) != "" && op.Packages[i] == "" {
					t.Fatalf("spec %q normalised to nothing", s)
				}
			}
		}
	})
}
