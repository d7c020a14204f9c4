// Package fuzztest holds what the fuzz targets of several packages share.
package fuzztest

import (
	"flag"
	"testing"
)

// Main runs the tests of m with -test.fuzzminimizetime defaulting to limit
// instead of go test's 60 s, unless the command line sets it; it returns
// the exit code for os.Exit. Packages whose fuzz inputs are kilobytes of
// tar need it: the engine's O(n²) minimiser otherwise spends a whole
// `make fuzz` budget on one new input. Call it from TestMain.
func Main(m *testing.M, limit string) int {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.fuzzminimizetime" })
	if f := flag.Lookup("test.fuzzminimizetime"); f != nil && !set {
		if err := f.Value.Set(limit); err != nil {
			panic(err)
		}
	}
	return m.Run()
}
