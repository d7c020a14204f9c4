package lint

import (
	"strings"
	"testing"
)

// Masking an error must replace the value and nothing around it: the path
// before a token and the colon after it are what tell the user where the
// problem is.
func TestRedactKeepsSurroundingText(t *testing.T) {
	tok := "ghp_" + strings.Repeat("aB3dE5fG7h", 3) + "J9kL2m"
	got := redact("layer 1 (sha256:ab12…): reading /srv/" + tok + ": unexpected EOF")
	want := "layer 1 (sha256:ab12…): reading /srv/ghp_…(40 chars): unexpected EOF"
	if got != want {
		t.Fatalf("redact:\n got %q\nwant %q", got, want)
	}
}
