package secrets

import (
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Anchored matching.
//
// Most gitleaks patterns have the shape  PRE K POST  where K is the first
// part that always contains a keyword and PRE is empty, a word boundary, a
// single context character such as (?:^|[\s"']), or the "semi-generic"
// prefix [\w.-]{0,50}? that ~100 provider rules and the generic rule start
// with. When K also always *starts* with a keyword, every match begins at a
// keyword occurrence (minus PRE), so instead of letting Go's regexp engine
// try every position of the input, we match K POST anchored at each keyword
// occurrence and evaluate PRE by hand. Unanchored searches of patterns
// with a leading {0,50} repetition are what makes the stock detector slow:
// each input position spawns up to 50 NFA threads carrying capture slots.
//
// Results equal the unanchored search: leftmost starts are the keyword
// positions extended back over PRE (a longer PRE run never moves a later
// keyword's start before an earlier one's), and occurrences inside a
// previous match are skipped as FindAll would.

// maxMatchBytes bounds the input examined for one keyword occurrence of a
// pattern with unbounded width (curl's multi-line rules, the generic rule's
// open-ended base64 alternative, PEM blocks). Without it, many occurrences
// on one huge line (minified files in image layers) would make the scan
// quadratic. Real credential matches are far shorter; the one casualty is
// gitleaks' private-key rule on keys over 4 KB (8192-bit RSA), which
// hardline's private-key-pem rule still reports since it needs no END line.
const maxMatchBytes = 4 << 10

type anchorPlan struct {
	reCtx *regexp.Regexp // ^(?s:.)K POST — one byte of left context for \b
	// re0 (^K POST, for a keyword at offset 0) is compiled on first need:
	// compiling the big patterns costs milliseconds.
	re0Src  string
	re0Once sync.Once
	re0     *regexp.Regexp
	// restRunes bounds the width of K POST (inf when unbounded): the input
	// handed to the regexp ends one rune past it, so the anchored search
	// stays small and "$" can never match at an artificial end.
	restRunes int
	restNL    int
	// pre, when set, is a cheap necessary condition: K followed by POST up
	// to its first mandatory element (for gitleaks' assignment-style
	// patterns: keyword, short name tail, then the "=" / ":" operator).
	// Most keyword occurrences fail it, and it runs on a few dozen bytes
	// instead of the full pattern's multi-line input.
	pre      *regexp.Regexp
	preRunes int
	// factors: one of these lower-case strings must occur within
	// factorRunes runes / factorNL line breaks after the keyword (a
	// mandatory literal part of POST such as curl's "-u"/"--user"). A
	// strings.Index on the lower-cased text rules out most occurrences
	// before the multi-line pattern runs.
	factors     []string
	factorRunes int
	factorNL    int
	asserts     []syntax.Op    // zero-width checks at the keyword position
	ctx         *syntax.Regexp // single context character class, or nil
	ctxEmpty    syntax.Op      // OpBeginLine/OpBeginText alternative of ctx, or 0
	rep         *syntax.Regexp // class of the semi-generic prefix, or nil
	repMin      int
	repMax      int
	_           struct{}
}

// planAnchor returns a plan when the pattern has a supported shape.
func planAnchor(src string, keywords []string) *anchorPlan {
	if len(keywords) == 0 {
		return nil
	}
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil
	}
	var parts []*syntax.Regexp
	if re.Op == syntax.OpConcat {
		parts = re.Sub
	} else {
		parts = []*syntax.Regexp{re}
	}
	// K is parts[k:kEnd]: the first part, or run of consecutive parts
	// (the parser flattens "_(?:auth|password)" into "_" and a group),
	// that always contains a keyword.
	k, kEnd := -1, -1
	for i := range parts {
		if mustContain(parts[i], keywords) {
			k, kEnd = i, i+1
			break
		}
		set := []string{""}
		for j := i; j < len(parts); j++ {
			sub, ok := expand(parts[j])
			if !ok {
				if set, ok = product(set, prefixes(parts[j])); ok && allContain(set, keywords) {
					k, kEnd = shrinkRun(parts, i, j+1, keywords), j+1
				}
				break
			}
			if set, ok = product(set, sub); !ok {
				break
			}
			if allContain(set, keywords) {
				k, kEnd = shrinkRun(parts, i, j+1, keywords), j+1
				break
			}
		}
		if k >= 0 {
			break
		}
	}
	if k < 0 || !startsWithKeyword(&syntax.Regexp{Op: syntax.OpConcat, Sub: parts[k:kEnd]}, keywords) {
		return nil
	}
	plan := &anchorPlan{}
	for _, p := range parts[:k] {
		if hasCapture(p) {
			return nil
		}
		switch {
		case isAssert(p.Op):
			plan.asserts = append(plan.asserts, p.Op)
		case (p.Op == syntax.OpRepeat || p.Op == syntax.OpStar || p.Op == syntax.OpQuest) &&
			p.Sub[0].Op == syntax.OpCharClass && plan.rep == nil && plan.ctx == nil && len(plan.asserts) == 0:
			plan.rep = p.Sub[0]
			switch p.Op {
			case syntax.OpRepeat:
				plan.repMin, plan.repMax = p.Min, p.Max
			case syntax.OpStar:
				plan.repMin, plan.repMax = 0, -1
			case syntax.OpQuest:
				plan.repMin, plan.repMax = 0, 1
			}
		case p.Op == syntax.OpCharClass && plan.rep == nil && plan.ctx == nil && len(plan.asserts) == 0:
			plan.ctx = p
		case p.Op == syntax.OpAlternate && len(p.Sub) == 2 && plan.rep == nil && plan.ctx == nil && len(plan.asserts) == 0 &&
			(p.Sub[0].Op == syntax.OpBeginLine || p.Sub[0].Op == syntax.OpBeginText) && p.Sub[1].Op == syntax.OpCharClass:
			plan.ctxEmpty, plan.ctx = p.Sub[0].Op, p.Sub[1]
		default:
			return nil
		}
	}
	post := parts[kEnd:]
	for j, e := range post {
		if minWidth(e) == 0 {
			if w, _ := width(e); w >= inf {
				break
			}
			continue
		}
		if j+1 < len(post) {
			head := &syntax.Regexp{Op: syntax.OpConcat, Sub: parts[k : kEnd+1+j]}
			if w, _ := width(head); w < inf {
				if re, err := regexp.Compile(`^(?s:.)(?:` + toSource(stripCaptures(head)) + `)`); err == nil {
					plan.pre, plan.preRunes = re, w
				}
			}
		}
		break
	}
	// Pick the most selective mandatory literal part: the one whose
	// shortest alternative is longest (at least two bytes).
	best := 1
	for idx := kEnd; idx < len(parts) && plan.pre == nil; idx++ {
		pr, pnl := width(&syntax.Regexp{Op: syntax.OpConcat, Sub: parts[k:idx]})
		if pr >= inf && pnl >= inf {
			break
		}
		// The parser flattens groups, so "(?:-u|--user)" arrives as "-"
		// followed by (?:u|-user): combine consecutive parts.
		set := []string{""}
		for j := idx; j < len(parts); j++ {
			sub, ok := expand(stripCaptures(parts[j]))
			if !ok {
				break
			}
			if set, ok = product(set, sub); !ok || len(set) > 8 {
				break
			}
			shortest := inf
			for _, f := range set {
				shortest = min(shortest, len(f))
			}
			if shortest > best {
				best = shortest
				plan.factors = append([]string(nil), set...)
				plan.factorRunes, plan.factorNL = pr, pnl
			}
		}
	}
	rest := &syntax.Regexp{Op: syntax.OpConcat, Sub: parts[k:]}
	plan.restRunes, plan.restNL = width(rest)
	body := toSource(rest)
	reCtx, cerr := regexp.Compile(`^(?s:.)(?:` + body + `)`)
	if cerr != nil {
		return nil
	}
	plan.reCtx = reCtx
	plan.re0Src = `^(?:` + body + `)`
	return plan
}

func isAssert(op syntax.Op) bool {
	switch op {
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginLine, syntax.OpBeginText:
		return true
	}
	return false
}

func hasCapture(re *syntax.Regexp) bool {
	if re.Op == syntax.OpCapture {
		return true
	}
	for _, s := range re.Sub {
		if hasCapture(s) {
			return true
		}
	}
	return false
}

// startsWithKeyword reports whether every match of re begins with one of
// the keywords (lower-case comparison).
func startsWithKeyword(re *syntax.Regexp, keywords []string) bool {
	switch re.Op {
	case syntax.OpCapture:
		return startsWithKeyword(re.Sub[0], keywords)
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !startsWithKeyword(s, keywords) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		if len(re.Sub) > 0 && startsWithKeyword(re.Sub[0], keywords) {
			return true
		}
		set := []string{""}
		for _, s := range re.Sub {
			sub, ok := expand(s)
			if !ok {
				set, ok = product(set, prefixes(s))
				return ok && allHavePrefix(set, keywords)
			}
			if set, ok = product(set, sub); !ok {
				return false
			}
			if allHavePrefix(set, keywords) {
				return true
			}
		}
		return false
	default:
		return allHavePrefix(prefixes(re), keywords)
	}
}

func allHavePrefix(set, keywords []string) bool {
	for _, s := range set {
		found := false
		for _, k := range keywords {
			if strings.HasPrefix(s, k) {
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

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// classHas reports whether the character class node matches r.
func classHas(cc *syntax.Regexp, r rune) bool {
	for i := 0; i+1 < len(cc.Rune); i += 2 {
		if cc.Rune[i] <= r && r <= cc.Rune[i+1] {
			return true
		}
	}
	return false
}

// start evaluates PRE backwards from keyword position q and returns the
// match start, or false when PRE cannot match there.
func (p *anchorPlan) start(text string, q, floor int) (int, bool) {
	for _, op := range p.asserts {
		before := q > 0 && isWordByte(text[q-1])
		after := q < len(text) && isWordByte(text[q])
		switch op {
		case syntax.OpWordBoundary:
			if before == after {
				return 0, false
			}
		case syntax.OpNoWordBoundary:
			if before != after {
				return 0, false
			}
		case syntax.OpBeginText:
			if q != 0 {
				return 0, false
			}
		case syntax.OpBeginLine:
			if q != 0 && text[q-1] != '\n' {
				return 0, false
			}
		}
	}
	pos := q
	if p.ctx != nil {
		if pos > floor {
			r, size := utf8.DecodeLastRuneInString(text[floor:pos])
			if classHas(p.ctx, r) {
				return pos - size, true
			}
		}
		switch {
		case p.ctxEmpty == syntax.OpBeginText && pos == 0,
			p.ctxEmpty == syntax.OpBeginLine && (pos == 0 || text[pos-1] == '\n'):
			return pos, true
		}
		return 0, false
	}
	if p.rep != nil {
		n := 0
		for pos > floor && (p.repMax < 0 || n < p.repMax) {
			r, size := utf8.DecodeLastRuneInString(text[floor:pos])
			if !classHas(p.rep, r) {
				break
			}
			pos -= size
			n++
		}
		if n < p.repMin {
			return 0, false
		}
	}
	return pos, true
}

// findAnchored returns absolute submatch index slices for rule r, trying
// each keyword occurrence once, in text order.
func (r *rule) findAnchored(text, lower string, hits []acHit, kwLen []int) [][]int {
	p := r.anchor
	starts := make([]int, 0, len(hits))
	for _, h := range hits {
		starts = append(starts, h.end-kwLen[h.kw])
	}
	sort.Ints(starts)
	var out [][]int
	prevEnd, last := 0, -1
	for _, q := range starts {
		if q == last || q < prevEnd {
			continue
		}
		last = q
		ms, ok := p.start(text, q, prevEnd)
		if !ok {
			continue
		}
		// Unbounded patterns (curl's multi-line rules) are cut at
		// maxMatchBytes so that many occurrences on one huge line cannot
		// make a scan quadratic; no real credential match is that long.
		hi := min(len(text), q+maxMatchBytes)
		if p.restRunes < inf {
			hi = fwdRunes(text, q, p.restRunes+1)
		}
		if p.restNL < inf {
			// A match holds at most restNL line breaks; end the input at
			// the line break after that (which a match cannot reach).
			hi = afterLines(text, q, hi, p.restNL)
		}
		if p.pre != nil && q > 0 {
			pre := text[q-1 : fwdRunes(text, q, p.preRunes+1)]
			searched.Add(int64(len(pre)))
			if !p.pre.MatchString(pre) {
				continue
			}
		}
		if p.factors != nil && !p.hasFactor(lower, q) {
			continue
		}
		var m []int
		base := q
		if q > 0 {
			base = q - 1
			searched.Add(int64(hi - base))
			m = p.reCtx.FindStringSubmatchIndex(text[base:hi])
		} else {
			p.re0Once.Do(func() { p.re0, _ = regexp.Compile(p.re0Src) })
			if p.re0 == nil {
				continue
			}
			searched.Add(int64(hi - q))
			m = p.re0.FindStringSubmatchIndex(text[q:hi])
		}
		if m == nil {
			continue
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += base
			}
		}
		m[0] = ms
		out = append(out, m)
		prevEnd = max(m[1], q+1)
	}
	return out
}

// minWidth is the minimum number of runes re matches.
func minWidth(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minWidth(re.Sub[0])
	case syntax.OpRepeat:
		return satMul(minWidth(re.Sub[0]), re.Min)
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			n = satAdd(n, minWidth(s))
		}
		return n
	case syntax.OpAlternate:
		n := inf
		for _, s := range re.Sub {
			n = min(n, minWidth(s))
		}
		return n
	}
	return 0
}

// stripCaptures returns a copy of re with capture groups turned into plain
// groups (the precheck needs no submatches, which keeps it cheap).
func stripCaptures(re *syntax.Regexp) *syntax.Regexp {
	if re.Op == syntax.OpCapture {
		return stripCaptures(re.Sub[0])
	}
	c := *re
	if len(re.Sub) > 0 {
		c.Sub = make([]*syntax.Regexp, len(re.Sub))
		for i, s := range re.Sub {
			c.Sub[i] = stripCaptures(s)
		}
	}
	return &c
}

// afterLines returns the offset just past the (n+1)-th line break at or
// after q, capped at hi.
func afterLines(text string, q, hi, n int) int {
	e := q
	for i := 0; i <= n && e < hi; i++ {
		j := strings.IndexByte(text[e:hi], '\n')
		if j < 0 {
			return hi
		}
		e += j + 1
	}
	return min(hi, e)
}

func (p *anchorPlan) hasFactor(lower string, q int) bool {
	longest := 0
	for _, f := range p.factors {
		longest = max(longest, len(f))
	}
	e := min(len(lower), q+maxMatchBytes)
	if p.factorRunes < inf {
		e = min(e, fwdRunes(lower, q, p.factorRunes))
	}
	if p.factorNL < inf {
		e = min(e, afterLines(lower, q, e, p.factorNL))
	}
	e = min(len(lower), e+longest)
	region := lower[q:e]
	for _, f := range p.factors {
		if strings.Contains(region, f) {
			return true
		}
	}
	return false
}

// shrinkRun drops leading parts of parts[i:j] that are not needed for the
// run to contain a keyword (context such as (?:^|[\s"'])), so that K can
// start with the keyword.
func shrinkRun(parts []*syntax.Regexp, i, j int, keywords []string) int {
	for s := j - 1; s > i; s-- {
		set := []string{""}
		ok := true
		for n, p := range parts[s:j] {
			var sub []string
			if sub, ok = expand(p); !ok {
				if s+n != j-1 {
					break
				}
				sub = prefixes(p) // last part: its prefixes suffice
			}
			if set, ok = product(set, sub); !ok {
				break
			}
		}
		if ok && allContain(set, keywords) {
			return s
		}
	}
	return i
}

// toSource prints a parsed pattern. syntax.Regexp.String re-derives case
// flags by folding every rune of every character class, which for negated
// classes ([^\s"']) means ~125,000 SimpleFold calls per class and made
// preparing some rules take 10+ ms. Classes are already case-expanded by
// the parser, so they are swapped for private-use placeholders before
// String and printed by hand afterwards.
func toSource(re *syntax.Regexp) string {
	var classes []string
	var swap func(*syntax.Regexp) *syntax.Regexp
	swap = func(n *syntax.Regexp) *syntax.Regexp {
		if n.Op == syntax.OpCharClass {
			var sb strings.Builder
			sb.WriteByte('[')
			for i := 0; i+1 < len(n.Rune); i += 2 {
				sb.WriteString(`\x{` + strconv.FormatInt(int64(n.Rune[i]), 16) + `}`)
				if n.Rune[i+1] != n.Rune[i] {
					sb.WriteString(`-\x{` + strconv.FormatInt(int64(n.Rune[i+1]), 16) + `}`)
				}
			}
			sb.WriteByte(']')
			if len(n.Rune) == 0 {
				return &syntax.Regexp{Op: syntax.OpNoMatch}
			}
			classes = append(classes, sb.String())
			return &syntax.Regexp{Op: syntax.OpLiteral, Rune: []rune{rune(placeholderBase + len(classes) - 1)}}
		}
		c := *n
		if len(n.Sub) > 0 {
			c.Sub = make([]*syntax.Regexp, len(n.Sub))
			for i, s := range n.Sub {
				c.Sub[i] = swap(s)
			}
		}
		return &c
	}
	s := swap(re).String()
	// Replace from the highest index down so \x{f0001} is not mistaken
	// for a prefix match of another placeholder's escape.
	for i := len(classes) - 1; i >= 0; i-- {
		r := rune(placeholderBase + i)
		s = strings.ReplaceAll(s, `\x{`+strconv.FormatInt(int64(r), 16)+`}`, classes[i])
		s = strings.ReplaceAll(s, string(r), classes[i])
	}
	return s
}

// placeholderBase is in Unicode's supplementary private use area, which
// no rule pattern uses.
const placeholderBase = 0xF0000
