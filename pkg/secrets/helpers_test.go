package secrets

import (
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
)

// Test secrets are generated at run time (fixed seeds, so deterministic)
// so that the repository holds no literal token that push-protection
// scanners would flag.
func randFrom(alphabet string, n int, seed int64) string {
	r := rand.New(rand.NewSource(seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b)
}

const (
	alnum    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerAN  = "abcdefghijklmnopqrstuvwxyz0123456789"
	upperB32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	hexLow   = "0123456789abcdef"
	b64      = alnum + "+/"
)

func pemKey(kind string) string {
	var lines []string
	for i := 0; i < 6; i++ {
		lines = append(lines, randFrom(b64, 64, int64(100+i)))
	}
	return "-----BEGIN " + kind + "-----\n" + strings.Join(lines, "\n") + "\n-----END " + kind + "-----\n"
}

// assertNoLeak fails when any field of m, marshalled to JSON, contains the
// secret value.
func assertNoLeak(t *testing.T, m Match, secret string) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if secret != "" && strings.Contains(string(b), secret) {
		t.Errorf("match leaks the secret value: %s", b)
	}
	for _, s := range []string{m.Rule, m.Description, m.Masked, m.Fingerprint, m.Key, m.Confidence} {
		if len(secret) >= 8 && strings.Contains(s, secret) {
			t.Errorf("field %q contains the secret", s)
		}
	}
}

func rules(ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Rule)
	}
	return out
}
