package dockerfile

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that no input makes Parse panic (the recover in Parse
// turns panics into "internal error" *Errors, which count as failures
// here), that every failure is an *Error, and that every document
// marshals to JSON.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.Dockerfile")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
	}
	f.Add([]byte(benchDockerfile), "runtime")
	f.Add([]byte("FROM a AS b\nONBUILD RUN <<EOF\nx\nEOF\nCOPY --from=b <<A <<B /\n1\nA\n2\nB\n"), "b")
	f.Add([]byte("ARG A=${B:-${C:+$D}}\nFROM ${A}\nEXPOSE ${A:?x} 1-2/udp\nHEALTHCHECK NONE\nSHELL [\"cmd\"]\nCMD x\n"), "")
	f.Fuzz(func(t *testing.T, src []byte, target string) {
		doc, err := Parse("fuzz", src, Options{Target: target, BuildArgs: map[string]string{"A": "1"}})
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if strings.HasPrefix(pe.Msg, "internal error") {
				t.Fatalf("panic: %v", err)
			}
			if doc != nil {
				t.Fatal("document returned with an error")
			}
			return
		}
		if _, err := json.Marshal(doc); err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if doc.FinalStage < 0 || doc.FinalStage >= len(doc.Stages) {
			t.Fatalf("FinalStage %d out of range", doc.FinalStage)
		}
	})
}
