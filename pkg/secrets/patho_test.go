package secrets

import (
	"strings"
	"testing"
)

// TestPathologicalInputsStayLinear guards against quadratic blow-ups on
// adversarial layer contents: one huge line full of keyword occurrences.
// It counts the bytes the scan hands to regular expressions (what a
// blow-up multiplies: overlapping windows, whole-line allow-lists) instead
// of timing the scans, so a loaded machine cannot fail it. The hand-written
// scanners ("curl ", "pass") search no bytes with a regexp; they are single
// forward passes over the text.
func TestPathologicalInputsStayLinear(t *testing.T) {
	for _, unit := range []string{"curl ", "pass", "key=", "-----BEGIN PRIVATE KEY-----", "https://a:", "password ", "ey", "\"auth\":", "token = \"", "api_key="} {
		small := strings.Repeat(unit, 2000)
		big := strings.Repeat(unit, 32000)
		work := func(text string) int64 {
			before := searched.Load()
			Default().ScanText(text)
			return searched.Load() - before
		}
		ws, wb := work(small), work(big)
		// 16x the input: linear work is 16-21x here (per-scan constants);
		// quadratic would be ~256x.
		if wb > 32*max(ws, int64(len(small))) {
			t.Errorf("%q: %d bytes searched for %d bytes of input, %d for %d", unit, wb, len(big), ws, len(small))
		}
		t.Logf("%q: %d → %d bytes searched (%.1fx) for 16x the input", unit, ws, wb, float64(wb)/float64(max(ws, 1)))
	}
}
