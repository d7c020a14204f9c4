package secrets

import (
	"strings"
	"testing"
	"time"
)

// TestPathologicalInputsStayLinear guards against quadratic blow-ups on
// adversarial layer contents: one huge line full of keyword occurrences.
func TestPathologicalInputsStayLinear(t *testing.T) {
	for _, unit := range []string{"curl ", "pass", "key=", "-----BEGIN PRIVATE KEY-----", "https://a:", "password ", "ey", "\"auth\":"} {
		small := strings.Repeat(unit, 2000)
		big := strings.Repeat(unit, 32000)
		Default().ScanText(small)
		st := time.Now()
		Default().ScanText(small)
		ds := time.Since(st)
		st = time.Now()
		Default().ScanText(big)
		db := time.Since(st)
		// 16x the input may cost at most ~64x the time (generous for noisy
		// shared machines); quadratic behaviour would be ~256x.
		if db > 64*ds && db > 200*time.Millisecond {
			t.Errorf("%q: %v for %d bytes vs %v for %d bytes", unit, db, len(big), ds, len(small))
		}
	}
}
