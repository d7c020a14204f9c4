package shellcmd

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// corpusDir holds real public Dockerfiles on the development machines; the
// test is skipped elsewhere.
const corpusDir = "/work/shared/corpus/files"

// TestCorpus runs every RUN instruction of the corpus through Parse and
// FromArgv and checks the result invariants. Parse errors are logged, not
// failed: some Dockerfiles use Windows shells or templating.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus walk skipped in -short mode")
	}
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("corpus not available")
	}
	var runs, cmds, errs int
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		res, err := parser.Parse(f)
		if err != nil {
			return nil // not a valid Dockerfile; out of scope here
		}
		for _, n := range res.AST.Children {
			if !strings.EqualFold(n.Value, "run") || n.Next == nil {
				continue
			}
			var r Result
			switch {
			case len(n.Heredocs) > 0:
				// RUN <<EOF: the script is the here-document, parsed below.
			case n.Attributes["json"]:
				var argv []string
				for a := n.Next; a != nil; a = a.Next {
					argv = append(argv, a.Value)
				}
				r = FromArgv(argv, testLookup)
			default:
				r = Parse(n.Next.Value, testLookup)
			}
			for _, h := range n.Heredocs {
				hr := Parse(h.Content, testLookup)
				checkInvariants(t, hr)
				r.Commands = append(r.Commands, hr.Commands...)
				if r.Error == "" {
					r.Error = hr.Error
				}
			}
			runs++
			cmds += len(r.Commands)
			if r.Error != "" {
				errs++
				t.Logf("%s:%d: %s", path, n.StartLine, r.Error)
			}
			if strings.HasPrefix(r.Error, "internal error") {
				t.Errorf("%s:%d: %s", path, n.StartLine, r.Error)
			}
			checkInvariants(t, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d RUN instructions, %d commands, %d with parse errors", runs, cmds, errs)
	if runs == 0 {
		t.Error("no RUN instruction found in corpus")
	}
}
