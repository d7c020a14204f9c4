package walk

import (
	"flag"
	"os"
	"testing"
)

// fuzzMinimizeTime replaces go test's 60 s default for -fuzzminimizetime
// in this package. The fuzz targets here take tar-shaped inputs of a few
// kilobytes (a header alone is 512 bytes), and the engine's minimiser
// removes every subset of bytes, O(n²) tries: minimising a single new
// input used the whole 60 s that `make fuzz` gives a target, so it
// reported 8 executions a minute and found nothing. A short minimisation
// still cuts the tail and single bytes. An explicit -fuzzminimizetime wins.
const fuzzMinimizeTime = "1s"

func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.fuzzminimizetime" })
	if f := flag.Lookup("test.fuzzminimizetime"); f != nil && !set {
		if err := f.Value.Set(fuzzMinimizeTime); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
