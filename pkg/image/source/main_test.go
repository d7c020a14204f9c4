package source

import (
	"os"
	"testing"

	"github.com/hardline-dev/hardline/pkg/internal/fuzztest"
)

// fuzzMinimizeTime replaces go test's 60 s default for -fuzzminimizetime
// in this package. FuzzOpenArchive takes image archives of kilobytes (a tar
// header alone is 512 bytes), and the engine's minimiser removes every
// subset of bytes, O(n²) tries: minimising a single new input used the
// whole 60 s that `make fuzz` gives a target, so it reported about ten
// executions a minute and found nothing. Early on a new input turns up
// every few dozen executions, and even a 1 s bound per minimisation
// (about 4 s with the engine's round trips) left ~350 executions a minute;
// 200 tries per input cut the tail and keep ~30,000 a minute. An explicit
// -fuzzminimizetime wins.
const fuzzMinimizeTime = "200x"

func TestMain(m *testing.M) { os.Exit(fuzztest.Main(m, fuzzMinimizeTime)) }
