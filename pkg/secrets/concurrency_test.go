package secrets

import (
	"sync"
	"testing"
)

// TestConcurrentUse exercises lazy loading and per-rule compilation from
// many goroutines at once (run with -race).
func TestConcurrentUse(t *testing.T) {
	d := &Detector{core: &core{}} // fresh, so loading happens under contention
	text := dockerfileSample() + "\nexport GL=glpat-" + randFrom(alnum, 20, 81) + "\n"
	var wg sync.WaitGroup
	counts := make([]int, 8)
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts[i] = len(d.ScanText(text))
			d.ScanArgv([]string{"curl", "-u", "a:" + randFrom(alnum, 12, 82)})
			d.CheckValue("API_KEY", randFrom(alnum, 24, 83))
		}()
	}
	wg.Wait()
	for _, c := range counts {
		if c != counts[0] || c == 0 {
			t.Fatalf("inconsistent results across goroutines: %v", counts)
		}
	}
}
