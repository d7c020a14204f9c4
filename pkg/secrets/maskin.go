package secrets

import (
	"cmp"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaskIn returns text with every value of values replaced by Mask(value)
// wherever text spells it: as is, or with shell quoting between its
// characters. Detectors see words after quote removal, so a value found
// in a command's argv (-pXk9vQ2mT7w) may be written -p"Xk9vQ2"mT7w,
// -p'Xk9'vQ2mT7w, -pXk9\vQ2mT7w or across a line continuation: no exact
// substring of the Dockerfile, history entry or message that holds it.
// Between two of its characters a spelling may have any run of " ' and
// backslash-newline, then one backslash; quotes before the first
// character or after the last are left in place.
//
// Values are masked longest first, so that a value inside a longer one is
// masked with it; where two values overlap, both masks replace the text
// they cover together. The line breaks a spelling spans (a private key's,
// a line continuation's) are kept after its mask, so that text read by
// line (a Dockerfile's source for snippets) keeps its line numbers.
func MaskIn(text string, values []string) string { return maskIn(text, values, shellText) }

// MaskInJSON is MaskIn for a JSON document as encoding/json writes it with
// HTML escaping off: values, masks and the quoting between characters
// appear JSON-escaped (\" for a quote, \\ for a backslash, \\\n for a
// line continuation).
func MaskInJSON(doc string, values []string) string { return maskIn(doc, values, jsonText) }

// spelling is how a text writes the characters of a value.
type spelling struct {
	json bool
	// sep is the regexp of what may stand between two characters of a
	// spelling; sepChars are the bytes it cannot do without.
	sep      string
	sepChars string
}

var (
	shellText = spelling{sep: `(?:["']|\\\r?\n)*\\?`, sepChars: `"'\`}
	jsonText  = spelling{json: true, sep: `(?:\\"|'|\\\\(?:\\r)?\\n)*(?:\\\\)?`, sepChars: `'\`}

	// lineBreak is a line break of the text, with the backslash of a line
	// continuation.
	lineBreak = regexp.MustCompile(`\\?\r?\n`)
)

// span is one spelling of value at text[start:end].
type span struct {
	start, end int
	value      string
}

func maskIn(text string, values []string, s spelling) string {
	if text == "" || len(values) == 0 {
		return text
	}
	vals := slices.Clone(values)
	slices.SortFunc(vals, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	vals = slices.Compact(vals)
	// Every spelling of a value turns into its bare form in the bare
	// text. A value is searched with a regexp only where the bare text
	// holds it more often than the text holds it exactly: a value that
	// is absent or only written as it is costs two strings.Count calls,
	// and a text without a quote or backslash is never made bare.
	var bare string
	quoted := strings.ContainsAny(text, s.sepChars)
	if quoted {
		bare = s.bare(text)
	}
	var spans []span
	for _, v := range vals {
		if v == "" {
			continue
		}
		exact := s.spell(v)
		n := strings.Count(text, exact)
		if quoted && utf8.ValidString(v) { // a regexp cannot spell invalid UTF-8
			if bv := s.bare(exact); bv != "" && strings.Count(bare, bv) > n {
				for _, loc := range s.pattern(v).FindAllStringIndex(text, -1) {
					spans = s.add(spans, text, span{loc[0], loc[1], v})
				}
				continue
			}
		}
		for i := 0; n > 0; n-- {
			j := i + strings.Index(text[i:], exact)
			i = j + len(exact)
			spans = s.add(spans, text, span{j, i, v})
		}
	}
	if len(spans) == 0 {
		return text
	}
	return s.replace(text, spans)
}

// add appends sp unless it starts inside a JSON escape (the n of \n or the
// 26 of \u0026 is no spelling of a value that starts with n or 26).
func (s spelling) add(spans []span, text string, sp span) []span {
	if s.json && inEscape(text, sp.start) {
		return spans
	}
	return append(spans, sp)
}

// inEscape reports whether text[i] is inside a JSON escape, after its
// backslash. The nearest backslash before i starts an escape unless it is
// the second of \\; an escape is 6 bytes long (\u00e9) or 2.
func inEscape(text string, i int) bool {
	for j := i - 1; j >= 0 && j >= i-5; j-- {
		if text[j] != '\\' {
			continue
		}
		n := 0 // backslashes before j
		for j-n > 0 && text[j-n-1] == '\\' {
			n++
		}
		if n%2 == 1 {
			continue
		}
		if j+1 < len(text) && text[j+1] == 'u' {
			return i < j+6
		}
		return i < j+2
	}
	return false
}

// replace writes text with every span replaced by its mask: a span inside
// another (a shorter value) disappears with it, one that overlaps another
// adds its own mask after it.
func (s spelling) replace(text string, spans []span) string {
	slices.SortStableFunc(spans, func(a, b span) int { return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(b.end, a.end)) })
	var b strings.Builder
	b.Grow(len(text))
	end := 0
	for _, sp := range spans {
		if sp.end <= end {
			continue
		}
		from := max(sp.start, end)
		b.WriteString(text[end:from])
		b.WriteString(s.spell(Mask(sp.value)))
		if !s.json {
			for _, c := range lineBreak.FindAllString(text[from:sp.end], -1) {
				b.WriteString(c)
			}
		}
		end = sp.end
	}
	b.WriteString(text[end:])
	return b.String()
}

// spell returns v as the text writes it.
func (s spelling) spell(v string) string {
	if !s.json {
		return v
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // a string always encodes
	out := b.String() // "…"\n
	return out[1 : len(out)-2]
}

// pattern matches every spelling of v: its characters, as the text writes
// them, with sep between each two.
func (s spelling) pattern(v string) *regexp.Regexp {
	var b strings.Builder
	for i, r := range v {
		if i > 0 {
			b.WriteString(s.sep)
		}
		b.WriteString(regexp.QuoteMeta(s.spell(string(r))))
	}
	return regexp.MustCompile(b.String())
}

// bare returns text without anything a separator is made of: in shell
// text every quote, backslash and line break, in JSON every ' and the
// escapes \" \\ \r \n (other escapes are kept whole, so that the text is
// read escape by escape).
func (s spelling) bare(text string) string {
	stop := &shellStops
	if s.json {
		stop = &jsonStops
	}
	var b strings.Builder
	b.Grow(len(text))
	for {
		i := 0
		for i < len(text) && !stop[text[i]] {
			i++
		}
		b.WriteString(text[:i])
		switch {
		case i == len(text):
			return b.String()
		case s.json && text[i] == '\\' && i+1 < len(text):
			if c := text[i+1]; c != '"' && c != '\\' && c != 'r' && c != 'n' {
				b.WriteString(text[i : i+2])
			}
			text = text[i+2:]
		default:
			text = text[i+1:]
		}
	}
}

// shellStops and jsonStops are the bytes bare stops at: in shell text
// each is dropped, in JSON ' is and \ starts an escape.
var shellStops, jsonStops = byteSet("\"'\\\r\n"), byteSet(`'\`)

func byteSet(chars string) (set [256]bool) {
	for i := range len(chars) {
		set[chars[i]] = true
	}
	return set
}
