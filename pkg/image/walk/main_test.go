package walk

import (
	"os"
	"testing"

	"github.com/hardline-dev/hardline/pkg/internal/fuzztest"
)

// fuzzMinimizeTime replaces go test's 60 s default for -fuzzminimizetime
// in this package. The fuzz targets here take tar-shaped inputs of a few
// kilobytes (a header alone is 512 bytes), and the engine's minimiser
// removes every subset of bytes, O(n²) tries: minimising a single new
// input used the whole 60 s that `make fuzz` gives a target, so it
// reported 8 executions a minute and found nothing. A short minimisation
// still cuts the tail and single bytes. An explicit -fuzzminimizetime wins.
const fuzzMinimizeTime = "1s"

func TestMain(m *testing.M) { os.Exit(fuzztest.Main(m, fuzzMinimizeTime)) }
