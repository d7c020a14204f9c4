package secrets

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// Scan windows.
//
// gitleaks runs a rule's regexp over the whole input once any of its
// keywords occurs anywhere. The generic rule's keywords ("key", "token",
// "auth", …) occur in almost every file, and Go's regexp engine is slow on
// patterns without a literal prefix, which is why the stock detector runs at
// a few MB/s. Rule matches contain their keyword, though, so it is enough to
// search a window around each keyword occurrence. The window has to be wide
// enough to hold any match containing the occurrence; analyse() derives
// upper bounds on match width and on the number of newlines a match can
// span from the parsed pattern, and checks that every match really
// contains a keyword. Rules for which that cannot be shown (for example
// sourcegraph's bare 40-hex alternative, gated on the word "sourcegraph")
// keep gitleaks' whole-input behaviour.

const (
	inf = 1 << 30
	// maxExpand caps the number of strings a sub-pattern may expand to when
	// checking keyword containment.
	maxExpand = 64
	// edgeSlack bounds how far a window edge moves to reach a line break or
	// whitespace, so that \b, ^ and $ see the same context as in the full
	// text.
	edgeSlack = 512
)

func satAdd(a, b int) int {
	if a >= inf || b >= inf || a+b >= inf {
		return inf
	}
	return a + b
}

func satMul(a, n int) int {
	if a == 0 || n == 0 {
		return 0
	}
	if a >= inf || n >= inf || a > inf/n {
		return inf
	}
	return a * n
}

// analyse returns the maximum match width in runes, the maximum number of
// newlines in a match (inf when unbounded) and whether every match contains
// one of keywords (lower-case).
func analyse(src string, keywords []string) (maxRunes, maxNL int, contained bool) {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return inf, inf, false
	}
	maxRunes, maxNL = width(re)
	if len(keywords) > 0 {
		contained = mustContain(re, keywords)
	}
	return maxRunes, maxNL, contained
}

func width(re *syntax.Regexp) (runes, nl int) {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r == '\n' {
				nl++
			}
		}
		return len(re.Rune), nl
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= '\n' && '\n' <= re.Rune[i+1] {
				return 1, 1
			}
		}
		return 1, 0
	case syntax.OpAnyCharNotNL:
		return 1, 0
	case syntax.OpAnyChar:
		return 1, 1
	case syntax.OpCapture, syntax.OpQuest:
		return width(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		r, n := width(re.Sub[0])
		return satMul(r, inf), satMul(n, inf)
	case syntax.OpRepeat:
		r, n := width(re.Sub[0])
		if re.Max < 0 {
			return satMul(r, inf), satMul(n, inf)
		}
		return satMul(r, re.Max), satMul(n, re.Max)
	case syntax.OpConcat:
		for _, s := range re.Sub {
			r, n := width(s)
			runes, nl = satAdd(runes, r), satAdd(nl, n)
		}
		return runes, nl
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			r, n := width(s)
			runes, nl = max(runes, r), max(nl, n)
		}
		return runes, nl
	default: // empty match, anchors, word boundaries
		return 0, 0
	}
}

// mustContain reports whether every string matched by re contains one of
// the keywords. It is conservative: false means "could not show it".
func mustContain(re *syntax.Regexp, keywords []string) bool {
	switch re.Op {
	case syntax.OpCapture:
		return mustContain(re.Sub[0], keywords)
	case syntax.OpPlus:
		return mustContain(re.Sub[0], keywords)
	case syntax.OpRepeat:
		return re.Min >= 1 && mustContain(re.Sub[0], keywords)
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !mustContain(s, keywords) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if mustContain(s, keywords) {
				return true
			}
		}
		// A keyword may straddle several concatenated parts, e.g. "gh" [su] "_".
		for i := range re.Sub {
			set := []string{""}
			for j := i; j < len(re.Sub); j++ {
				sub, ok := expand(re.Sub[j])
				if !ok {
					// The run may still be conclusive with the part's
					// literal prefixes ("f" then "(?:o1_…|m1[ar]_…)").
					if set, ok = product(set, prefixes(re.Sub[j])); ok && allContain(set, keywords) {
						return true
					}
					break
				}
				if set, ok = product(set, sub); !ok {
					break
				}
				if allContain(set, keywords) {
					return true
				}
			}
		}
		return false
	default:
		set, ok := expand(re)
		return ok && allContain(set, keywords)
	}
}

func allContain(set []string, keywords []string) bool {
	for _, s := range set {
		found := false
		for _, k := range keywords {
			if strings.Contains(s, k) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return len(set) > 0
}

// expand returns the (small, finite) set of lower-cased ASCII strings re
// matches. Non-ASCII case-fold variants (the Kelvin sign for k, long s for
// s) are dropped: the ASCII keyword prefilter cannot see them either.
func expand(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}, true
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}, true
	case syntax.OpCharClass:
		seen := map[string]bool{}
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo >= utf8.RuneSelf {
				continue
			}
			hi = min(hi, utf8.RuneSelf-1)
			if hi-lo > maxExpand {
				return nil, false
			}
			for r := lo; r <= hi; r++ {
				s := strings.ToLower(string(r))
				if !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
		}
		return out, len(out) > 0 && len(out) <= maxExpand
	case syntax.OpCapture:
		return expand(re.Sub[0])
	case syntax.OpQuest:
		sub, ok := expand(re.Sub[0])
		return append(sub, ""), ok
	case syntax.OpRepeat:
		if re.Max < 0 || re.Max > 3 {
			return nil, false
		}
		sub, ok := expand(re.Sub[0])
		if !ok {
			return nil, false
		}
		var out []string
		cur := []string{""}
		for n := 0; n <= re.Max; n++ {
			if n >= re.Min {
				out = append(out, cur...)
			}
			if cur, ok = product(cur, sub); !ok {
				return nil, false
			}
		}
		return out, len(out) <= maxExpand
	case syntax.OpConcat:
		set := []string{""}
		for _, s := range re.Sub {
			sub, ok := expand(s)
			if !ok {
				return nil, false
			}
			if set, ok = product(set, sub); !ok {
				return nil, false
			}
		}
		return set, true
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			sub, ok := expand(s)
			if !ok {
				return nil, false
			}
			out = append(out, sub...)
		}
		return out, len(out) <= maxExpand
	}
	return nil, false
}

func product(a, b []string) ([]string, bool) {
	if len(a)*len(b) > maxExpand {
		return nil, false
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out, true
}

// window returns the part of text that can hold a match of r containing the
// keyword occurrence text[s:e].
func (r *rule) window(text string, s, e int) (lo, hi int) {
	lo, hi = 0, len(text)
	if r.maxRunes < inf {
		lo = max(lo, backRunes(text, e, r.maxRunes))
		hi = min(hi, fwdRunes(text, s, r.maxRunes))
	}
	if r.maxNL < inf {
		// The match starts at most maxNL line breaks before the keyword and
		// ends at most maxNL line breaks after it.
		p := s
		for i := 0; i <= r.maxNL && p > 0; i++ {
			p = strings.LastIndexByte(text[:p], '\n')
			if p < 0 {
				p = 0
				break
			}
			if i == r.maxNL {
				p++ // just after the line break
			}
		}
		lo = max(lo, p)
		q := e
		for i := 0; i < r.maxNL+1 && q < len(text); i++ {
			j := strings.IndexByte(text[q:], '\n')
			if j < 0 {
				q = len(text)
				break
			}
			q += j + 1
		}
		hi = min(hi, q)
	}
	return extendLeft(text, lo), extendRight(text, hi)
}

func backRunes(text string, p, n int) int {
	for ; n > 0 && p > 0; n-- {
		if text[p-1] < utf8.RuneSelf {
			p--
			continue
		}
		_, size := utf8.DecodeLastRuneInString(text[:p])
		p -= size
	}
	return p
}

func fwdRunes(text string, p, n int) int {
	for ; n > 0 && p < len(text); n-- {
		if text[p] < utf8.RuneSelf {
			p++
			continue
		}
		_, size := utf8.DecodeRuneInString(text[p:])
		p += size
	}
	return p
}

// extendLeft moves a window start back to a line start, or failing that
// (very long lines) to just after whitespace, so that the regexp does not
// see a spurious start of text in the middle of a word.
func extendLeft(text string, p int) int {
	if p <= 0 || text[p-1] == '\n' {
		return max(p, 0)
	}
	floor := max(0, p-edgeSlack)
	if i := strings.LastIndexByte(text[floor:p], '\n'); i >= 0 {
		return floor + i + 1
	}
	for i := p - 1; i >= floor; i-- {
		if isSpace(text[i]) {
			return i + 1
		}
	}
	return floor
}

// extendRight is extendLeft's counterpart: a window ends after a line break
// (or whitespace) so that "$" and "\s" terminators behave as in full text.
func extendRight(text string, p int) int {
	if p >= len(text) || (p > 0 && text[p-1] == '\n') {
		return min(p, len(text))
	}
	ceil := min(len(text), p+edgeSlack)
	if i := strings.IndexByte(text[p:ceil], '\n'); i >= 0 {
		return p + i + 1
	}
	for i := p; i < ceil; i++ {
		if isSpace(text[i]) {
			return i + 1
		}
	}
	return ceil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// prefixes returns lower-cased literal prefixes of every string re
// matches (possibly just ""): a sound under-approximation used when a
// part is too large to expand but starts with literals.
func prefixes(re *syntax.Regexp) []string {
	if set, ok := expand(re); ok && len(set) <= 8 {
		return set
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return prefixes(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return prefixes(re.Sub[0])
		}
	case syntax.OpConcat:
		set := []string{""}
		for _, s := range re.Sub {
			sub, ok := expand(s)
			if !ok || len(sub) > 8 {
				// Stop at the first part that is not a short literal choice:
				// what precedes it is a prefix of every match.
				if out, ok := product(set, prefixes(s)); ok {
					return out
				}
				return set
			}
			if set, ok = product(set, sub); !ok {
				return []string{""}
			}
		}
		return set
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			out = append(out, prefixes(s)...)
		}
		if len(out) <= maxExpand {
			return out
		}
	}
	return []string{""}
}
