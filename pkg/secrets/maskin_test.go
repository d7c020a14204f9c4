package secrets

import (
	"encoding/json"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestMaskIn: a value is masked wherever the text spells it, however the
// shell quotes or escapes it between its characters; nothing else is.
func TestMaskIn(t *testing.T) {
	const v = "Xk9vQ2mT7wLp4z"
	m := Mask(v) // Xk9…(14 chars)
	const tok = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
	mt := Mask(tok)
	for _, c := range []struct {
		name, text string
		values     []string
		want       string
	}{
		{"exact", "mysql -p" + v + " -e 1", []string{v}, "mysql -p" + m + " -e 1"},
		{"double-quote split", `mysql -p"Xk9vQ2"mT7wLp4z -e 1`, []string{v}, `mysql -p"` + m + ` -e 1`},
		{"single-quote split", `mysql -p'Xk9v'Q2mT7wLp4z`, []string{v}, `mysql -p'` + m},
		{"mixed quotes", `-pXk"9v"'Q2'mT7w"Lp4z"`, []string{v}, `-p` + m + `"`},
		{"adjacent quotes", `-pXk9""vQ2''mT7wLp4z`, []string{v}, `-p` + m},
		{"backslash before a character", `-pXk9\vQ2mT\7wLp4z`, []string{v}, `-p` + m},
		{"backslash before a quoted character", `-p"Xk9"\v"Q2"mT7wLp4z`, []string{v}, `-p"` + m},
		{"line continuation", "RUN mysql -pXk9vQ2\\\nmT7wLp4z -e 1", []string{v}, "RUN mysql -p" + m + "\\\n -e 1"},
		{"CRLF line continuation", "-pXk9v\"Q2\\\r\nmT7\"wLp4z", []string{v}, "-p" + m + "\\\r\n"},
		// A value with line breaks of its own (a private key in a
		// heredoc) keeps them after its mask: the lines after it keep
		// their numbers.
		{"multi-line value", "cat <<KEY\n-----BEGIN KEY-----\nAAAA\r\nBBBB\n-----END KEY-----\nKEY\nRUN true", []string{"-----BEGIN KEY-----\nAAAA\r\nBBBB\n-----END KEY-----"},
			"cat <<KEY\n" + Mask("-----BEGIN KEY-----\nAAAA\r\nBBBB\n-----END KEY-----") + "\n\r\n\n\nKEY\nRUN true"},
		{"token split after its prefix", `curl -H "Authorization: Bearer ghp_"16C7e42F292c6912E7710c838347Ae178B4a https://x`, []string{tok},
			`curl -H "Authorization: Bearer ` + mt + ` https://x`},
		{"twice, exact and split", v + ` x "Xk9vQ"2mT7wLp4z`, []string{v}, m + ` x "` + m},
		{"twice, split", `'Xk9'vQ2mT7wLp4z 'Xk'9vQ2mT7wLp4z`, []string{v}, `'` + m + ` '` + m},
		{"contained value masked with the longer one", "a=" + tok + " b=e42F292c6912E7710c", []string{"e42F292c6912E7710c", tok}, "a=" + mt + " b=" + Mask("e42F292c6912E7710c")},
		{"contained value split", `a=ghp_16C7"e42F292c6912E77"10c838347Ae178B4a`, []string{"e42F292c6912E7710c", tok}, "a=" + mt},
		{"overlapping values", "AbCdEfGh12345678ZyXwVuTs", []string{"AbCdEfGh12345678", "12345678ZyXwVuTs"}, Mask("AbCdEfGh12345678") + Mask("12345678ZyXwVuTs")},
		{"overlapping values, split", `AbCd"EfGh1234"5678ZyXw"VuTs`, []string{"AbCdEfGh12345678", "12345678ZyXwVuTs"}, Mask("AbCdEfGh12345678") + Mask("12345678ZyXwVuTs")},
		{"look-alikes stay", `Xk9vQ2mT7wLp4Z Xk9vQ2 mT7wLp4z Xk9vQ2\\mT7wLp4z Xk9v"Q2"mT7wLp4 Xk9vQ2$mT7wLp4z`, []string{v},
			`Xk9vQ2mT7wLp4Z Xk9vQ2 mT7wLp4z Xk9vQ2\\mT7wLp4z Xk9v"Q2"mT7wLp4 Xk9vQ2$mT7wLp4z`},
		{"no values", `-p"Xk9vQ2"mT7wLp4z`, nil, `-p"Xk9vQ2"mT7wLp4z`},
		{"empty value", `-p"Xk9vQ2"mT7wLp4z`, []string{""}, `-p"Xk9vQ2"mT7wLp4z`},
		{"empty text", "", []string{v}, ""},
		{"invalid UTF-8 in the text", "\xff-p\"Xk9vQ2\"mT7wLp4z\xfe\xff " + v + "\xc3", []string{v}, "\xff-p\"" + m + "\xfe\xff " + m + "\xc3"},
		{"invalid UTF-8 in a value", "a=Xk9vQ2\xffmT7wLp4z b=Xk9vQ2\"\xff\"mT7wLp4z", []string{"Xk9vQ2\xffmT7wLp4z"}, "a=" + Mask("Xk9vQ2\xffmT7wLp4z") + " b=Xk9vQ2\"\xff\"mT7wLp4z"},
		{"value holding quotes and a backslash", `x='pa"ss\wo'"rd9Q"`, []string{`pa"ss\word9Q`}, `x='` + Mask(`pa"ss\word9Q`) + `"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := MaskIn(c.text, c.values); got != c.want {
				t.Errorf("MaskIn(%q)\n got %q\nwant %q", c.text, got, c.want)
			}
		})
	}
}

// TestMaskInJSON: in a JSON document the quoting between a value's
// characters is JSON-escaped too; the document stays valid JSON and reads
// back with the value masked.
func TestMaskInJSON(t *testing.T) {
	const v = "Xk9vQ2mT7wLp4z"
	m := Mask(v)
	const odd = `pa"ss\wo&rd<9Q>` // characters JSON escapes, and HTML ones it need not
	for _, c := range []struct {
		name, raw, want string
		values          []string
	}{
		{"exact", "-p" + v, "-p" + m, []string{v}},
		{"double-quote split", `-p"Xk9vQ2"mT7wLp4z -e "select 1"`, `-p"` + m + ` -e "select 1"`, []string{v}},
		{"single-quote split", `-p'Xk9v'Q2mT7wLp4z`, `-p'` + m, []string{v}},
		{"backslash before a character", `-pXk9\vQ2mT7wLp4z`, "-p" + m, []string{v}},
		{"line continuation", "-pXk9vQ2\\\nmT7wLp4z -e", "-p" + m + " -e", []string{v}},
		{"CRLF line continuation", "-pXk9vQ2\\\r\nmT7wLp4z", "-p" + m, []string{v}},
		{"twice", v + ` "Xk9vQ2"mT7wLp4z`, m + ` "` + m, []string{v}},
		{"value JSON escapes", "x=" + odd + " y='pa\"ss'\\wo&rd<9Q>", "x=" + Mask(odd) + " y='" + Mask(odd), []string{odd}},
		{"value after a newline", "a\n" + "nXk9vQ2mT7wLp4", "a\n" + Mask("nXk9vQ2mT7wLp4"), []string{"nXk9vQ2mT7wLp4"}},
		{"escaped backslash is no escape", `Xk9vQ2\\mT7wLp4z`, `Xk9vQ2\\mT7wLp4z`, []string{v}},
		{"no values", `-p"Xk9vQ2"mT7wLp4z`, `-p"Xk9vQ2"mT7wLp4z`, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var doc strings.Builder
			enc := json.NewEncoder(&doc) // as cmd/hardline prints facts
			enc.SetEscapeHTML(false)
			if err := enc.Encode(map[string]string{"k": c.raw}); err != nil {
				t.Fatal(err)
			}
			got := MaskInJSON(doc.String(), c.values)
			var back map[string]string
			if err := json.Unmarshal([]byte(got), &back); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, got)
			}
			if back["k"] != c.want {
				t.Errorf("MaskInJSON(%s)\n got %q\nwant %q", doc.String(), back["k"], c.want)
			}
		})
	}
	// A value that starts inside an escape (the n of \n, the 26 of
	// \u0026) is not spelled there.
	for _, c := range []struct{ doc, value string }{
		{`"a\nXk9vQ2mT7wLp4z"`, "n" + v},
		{`"a\u0026Xk9vQ2mT7wLp4z"`, "26" + v},
		{`"a\\\u0026Xk9vQ2mT7wLp4z"`, "26" + v},
	} {
		if got := MaskInJSON(c.doc, []string{c.value}); got != c.doc {
			t.Errorf("masked the inside of an escape: %s", got)
		}
	}
	if got, want := MaskInJSON(`"a\\u0026Xk9vQ2mT7wLp4z"`, []string{"u0026" + v}), `"a\\`+Mask("u0026"+v)+`"`; got != want {
		t.Errorf("MaskInJSON after an escaped backslash = %s, want %s", got, want)
	}
}

// TestMaskInDeterministic: the result does not depend on the order of the
// values.
func TestMaskInDeterministic(t *testing.T) {
	text := `AbCd"EfGh1234"5678ZyXw"VuTs 12345678ZyXw'VuTs Xk9vQ2mT7wLp4z`
	values := []string{"AbCdEfGh12345678", "12345678ZyXwVuTs", "Xk9vQ2mT7wLp4z", "7wLp4z", "12345678ZyXwVuTs"}
	want := MaskIn(text, values)
	for range 20 {
		slices.Reverse(values)
		values[0], values[len(values)/2] = values[len(values)/2], values[0]
		if got := MaskIn(text, values); got != want {
			t.Fatalf("order changed the result:\n got %q\nwant %q", got, want)
		}
	}
}

// TestMaskInEverySpelling: values written with random quoting between
// their characters (fixed seed) are masked, in shell text and in JSON,
// with the text around them and the line continuations kept.
func TestMaskInEverySpelling(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	seps := []string{`"`, `'`, `""`, `"'`, "\\\n", "\\\r\n", `\`, `"\`, "'\\\n'"}
	for i := range 500 {
		v := randFrom(alnum+"-_./+=", 8+r.Intn(40), int64(i))
		var spelled, conts strings.Builder
		for j := range len(v) {
			if j > 0 && r.Intn(3) == 0 {
				sep := seps[r.Intn(len(seps))]
				spelled.WriteString(sep)
				if strings.Contains(sep, "\n") {
					conts.WriteString(strings.Trim(sep, "'"))
				}
			}
			spelled.WriteByte(v[j])
		}
		text := `RUN x -p"` + spelled.String() + `" y`
		if got, want := MaskIn(text, []string{v}), `RUN x -p"`+Mask(v)+conts.String()+`" y`; got != want {
			t.Fatalf("value %d: MaskIn(%q)\n got %q\nwant %q", i, text, got, want)
		}
		doc, _ := json.Marshal(text)
		var back string
		if err := json.Unmarshal([]byte(MaskInJSON(string(doc), []string{v})), &back); err != nil || back != `RUN x -p"`+Mask(v)+`" y` {
			t.Fatalf("value %d: MaskInJSON(%s) = %q (%v)", i, doc, back, err)
		}
	}
}

// FuzzMaskIn: no text or value makes MaskIn panic or MaskInJSON break a
// JSON document; a value of letters and digits spelled with the fuzzer's
// separators, between text without letters or digits, is masked exactly.
func FuzzMaskIn(f *testing.F) {
	f.Add("Xk9vQ2mT7wLp4z", []byte{0, 1, 0, 4, 0, 0, 7}, []byte(`-p"`), []byte(` -e "1"`))
	f.Add("ghp_16C7e42F", []byte{0, 0, 0, 0, 1}, []byte("\\"), []byte("\\\n"))
	f.Fuzz(func(t *testing.T, value string, seps, before, after []byte) {
		MaskIn(string(seps)+value, []string{value, string(before), ""})
		doc, _ := json.Marshal(string(before) + value + string(after))
		if !json.Valid([]byte(MaskInJSON(string(doc), []string{value, string(after)}))) {
			t.Fatalf("MaskInJSON made %s invalid JSON", doc)
		}

		v := strings.Map(func(r rune) rune {
			if r < utf8.RuneSelf && strings.ContainsRune(alnum, r) {
				return r
			}
			return -1
		}, value)
		if v == "" {
			return
		}
		other := func(b []byte) string {
			const chars = " -=:;,()[]{}\"'\\\n"
			var s strings.Builder
			for _, c := range b {
				s.WriteByte(chars[int(c)%len(chars)])
			}
			return s.String()
		}
		options := []string{"", `"`, `'`, "\\\n", `\`, `"'\`}
		var spelled, conts strings.Builder
		for i := range len(v) {
			if i > 0 && i-1 < len(seps) {
				sep := options[int(seps[i-1])%len(options)]
				spelled.WriteString(sep)
				if sep == "\\\n" {
					conts.WriteString(sep)
				}
			}
			spelled.WriteByte(v[i])
		}
		text := other(before) + spelled.String() + other(after)
		want := other(before) + Mask(v) + conts.String() + other(after)
		if got := MaskIn(text, []string{v}); got != want {
			t.Fatalf("MaskIn(%q, %q)\n got %q\nwant %q", text, v, got, want)
		}
	})
}
