package secrets

import (
	"strings"
	"testing"
)

func TestRedactExactSpan(t *testing.T) {
	const tok = "ghp_" + "Hk3mP9qR2sT5vW8xY1zA4bC7dE0fG6hJ2kL5"
	const aws = "AKIA" + "QYLPMN5HHHFPZAM2"
	d := Default()
	for _, c := range []struct{ name, in, want string }{
		{"path and colon kept", "reading /srv/" + tok + ": unexpected EOF", "reading /srv/ghp_…(40 chars): unexpected EOF"},
		// The ellipsis before the token is three bytes but one rune: a
		// rune column used as a byte offset starts the span two bytes early.
		{"non-ASCII before", "layer 1 (sha256:ab12…): reading /srv/" + tok + ": unexpected EOF",
			"layer 1 (sha256:ab12…): reading /srv/ghp_…(40 chars): unexpected EOF"},
		{"quoted", `open "` + tok + `"`, `open "ghp_…(40 chars)"`},
		{"glued both sides", "x" + tok + "/token.txt", "xghp_…(40 chars)/token.txt"},
		{"two on two lines", "a " + tok + "\nb=" + aws + ";", "a ghp_…(40 chars)\nb=AKIA…(20 chars);"},
		{"same twice", tok + "," + tok, "ghp_…(40 chars),ghp_…(40 chars)"},
		{"none", "reading /srv/app: unexpected EOF", "reading /srv/app: unexpected EOF"},
		{"placeholder", "token ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "token ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
		{"empty", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := d.Redact(c.in)
			if got != c.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
			if strings.Contains(c.want, "chars)") && (strings.Contains(got, tok[4:]) || strings.Contains(got, aws[4:])) {
				t.Errorf("a secret survived: %q", got)
			}
		})
	}
}

// TestRedactAgreesWithScanText: Redact masks exactly what ScanText reports,
// no more and no less, and passes the values to a collector.
func TestRedactAgreesWithScanText(t *testing.T) {
	text := "export GITHUB_TOKEN=ghp_" + "Hk3mP9qR2sT5vW8xY1zA4bC7dE0fG6hJ2kL5\ncurl -u admin:" + "s3cr3tPassw0rd!x https://é.example/\n"
	var seen []string
	d := Default().WithCollector(func(v string) { seen = append(seen, v) })
	ms := Default().ScanText(text)
	got := d.Redact(text)
	if len(ms) == 0 || len(seen) != len(ms) {
		t.Fatalf("ScanText found %d, the collector saw %d", len(ms), len(seen))
	}
	for _, m := range ms {
		if !strings.Contains(got, m.Masked) {
			t.Errorf("%s not masked as %s: %q", m.Rule, m.Masked, got)
		}
	}
	for _, v := range seen {
		if strings.Contains(got, v) {
			t.Errorf("value of length %d survived", len(v))
		}
	}
	if Default().ScanText(got) != nil {
		t.Errorf("the redacted text still holds secrets: %q", got)
	}
}
