package lint

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMaskedSourceKeepsLines: reporters show source lines by number from
// the masked source, so masking a private key that spans lines must not
// move the lines after it.
func TestMaskedSourceKeepsLines(t *testing.T) {
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	r := rand.New(rand.NewPCG(7, 7))
	var key strings.Builder
	key.WriteString("-----BEGIN RSA PRIVATE KEY-----\n")
	for range 8 {
		for range 64 {
			key.WriteByte(b64[r.IntN(len(b64))])
		}
		key.WriteByte('\n')
	}
	key.WriteString("-----END RSA PRIVATE KEY-----")
	src := "FROM debian:12\nRUN <<EOF\ncat > /root/.ssh/id_rsa <<'KEY'\n" + key.String() + "\nKEY\nEOF\nRUN apt-get update\n"
	fr := New(Options{Engine: testEngine(t)}).LintOne(context.Background(), Input{Path: "Dockerfile", Data: []byte(src)})
	if bytes.Equal(fr.Source, []byte(src)) {
		t.Fatal("the private key was not masked in the source")
	}
	lines, masked := strings.Split(src, "\n"), strings.Split(string(fr.Source), "\n")
	if len(masked) != len(lines) {
		t.Fatalf("masked source has %d lines, the file %d", len(masked), len(lines))
	}
	var found bool
	for _, f := range fr.Findings {
		if f.RuleID == "HL1016" {
			found = true
			if got := masked[f.Location.StartLine-1]; got != "RUN apt-get update" {
				t.Errorf("HL1016 on line %d shows %q", f.Location.StartLine, got)
			}
		}
	}
	if !found {
		t.Fatal("no HL1016 finding after the key")
	}
}
