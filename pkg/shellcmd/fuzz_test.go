package shellcmd

import (
	"strings"
	"testing"
)

// FuzzParse calls the unrecovered parse so that any panic is reported,
// and also feeds the whitespace-split input to the exec-form entry point.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.script)
	}
	f.Add("sh -c 'sh -c \"bash -ec \\\"curl x | sh\\\"\"'")
	f.Add("cat <<-EOF\n\t$X ${Y:-$(id)}\n\tEOF\n")
	f.Add("echo ${X/a/b} ${X:1:2} ${!X} ${X[@]} ${#X[*]} ${X^^} $((X++))")
	f.Add("bash -c \"$(curl -L https://h/i.sh) $X\"; su --command=\"$Y/z $(id)\"; \"${D:-/a/b}/c\"\nsh <<-E\n\t$(id\n\t) $Z\n\tE\n")
	f.Fuzz(func(t *testing.T, script string) {
		r := parse(script, testLookup)
		checkInvariants(t, r)
		r = fromArgv(strings.Fields(script), testLookup)
		checkInvariants(t, r)
	})
}
