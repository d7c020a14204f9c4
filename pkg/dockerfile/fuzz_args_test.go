package dockerfile

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzArgExpansion drives ARG and ENV expansion (BuildKit's lexer under
// hardline's scopes and budget) with fuzzed values and words in every
// place a variable is expanded: global ARG defaults, FROM, stage ARGs, ENV,
// USER, WORKDIR, COPY and RUN. Parsing must not fail for a word the lexer
// rejects (that is a warning), must stay within the expansion budget, and
// must be deterministic.
func FuzzArgExpansion(f *testing.F) {
	for _, s := range [][3]string{
		{"alpine", "${A}", "x"},
		{"${B:-${C:+$D}}", "$A$A$A$A", "y"},
		{"$A", "${A:?boom}", ""},
		{"a b", "${A#a}${A%b}", "z"},
		{"'q'\"d\"", "\\$A\\${A}", "w"},
		{"${", "${A:", "}"},
		{strings.Repeat("x", 1000), "${A}${A}${A}${A}${A}${A}${A}${A}", "v"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, value, word, buildArg string) {
		if strings.ContainsAny(value+word, "\r\n") {
			return // one value per line: newlines would make other instructions
		}
		src := "ARG A=" + value + "\n" +
			"ARG B=" + word + "\n" +
			"ARG D1=" + word + word + "\n" +
			"ARG D2=${D1}${D1}${D1}${D1}\n" +
			"FROM alpine:" + word + " AS s\n" +
			"ARG A\nARG B\nARG D2\n" +
			"ENV E=" + word + " F=${E}${E}\n" +
			"USER " + word + "\n" +
			"WORKDIR /" + word + "\n" +
			"COPY " + word + " /dst/\n" +
			"RUN echo " + word + " $E $F $D2\n" +
			"FROM s\nRUN echo " + word + "\n"
		opts := Options{BuildArgs: map[string]string{"C": buildArg, "D": buildArg}}
		doc, err := Parse("fuzz", []byte(src), opts)
		if err != nil {
			var pe *Error
			if e, ok := err.(*Error); ok {
				pe = e
			}
			if pe == nil || strings.HasPrefix(pe.Msg, "internal error") {
				t.Fatalf("%v", err)
			}
			return
		}
		a, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		// Every expanded value is bounded by the input times the budget;
		// the document of a few hundred bytes of input stays small.
		if len(a) > 64<<20 {
			t.Fatalf("a %d MiB document", len(a)>>20)
		}
		doc2, err := Parse("fuzz", []byte(src), opts)
		if err != nil {
			t.Fatalf("second parse failed: %v", err)
		}
		b, _ := json.Marshal(doc2)
		if !bytes.Equal(a, b) {
			t.Fatal("not deterministic")
		}
	})
}
