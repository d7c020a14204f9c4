package secrets

import "strings"

// Redact returns text with every secret ScanText would report replaced by
// its masked form. The replacement covers exactly the secret's byte span:
// Match only carries a rune column and no length, so callers that rebuild
// the span from a Match have to guess where the value ends (and a column in
// runes is not a byte offset once the text holds "…" or other non-ASCII
// runes); guessing there ate the path separator before a token and the
// colon after it.
func (d *Detector) Redact(text string) string {
	if text == "" {
		return text
	}
	cands := dedupe(d.scan(text))
	if len(cands) == 0 {
		return text
	}
	d.emit(cands)
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	// dedupe leaves the spans sorted by start and disjoint.
	for _, c := range cands {
		b.WriteString(text[last:c.start])
		b.WriteString(Mask(c.secret))
		last = c.end
	}
	b.WriteString(text[last:])
	return b.String()
}
