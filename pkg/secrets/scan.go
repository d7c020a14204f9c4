package secrets

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Detector finds credentials in text, values and command lines. It is safe
// for concurrent use. The zero value is not usable; call Default.
type Detector struct {
	core *core
	// collect, when set, receives each secret value found (see
	// WithCollector).
	collect func(value string)
}

// core is the rule set shared by a detector and its collecting views.
type core struct {
	once  sync.Once
	rules *ruleSet
}

var defaultDetector = &Detector{core: &core{}}

// WithCollector returns a view of d that also passes every secret value it
// finds to collect. Values never enter Match; this exists so that the one
// component that scans a document can mask the same values wherever else
// they might surface (for example in a custom rule's message). The view
// shares d's rule set and is as cheap to create as a struct copy.
func (d *Detector) WithCollector(collect func(value string)) *Detector {
	return &Detector{core: d.core, collect: collect}
}

func (d *Detector) emit(cands []candidate) {
	if d.collect == nil {
		return
	}
	for _, c := range cands {
		d.collect(c.secret)
	}
}

// Default returns the process-wide detector. Obtaining it costs nothing:
// the rule set is parsed on the first scan and each rule's regexp is
// compiled the first time one of its keywords is seen.
func Default() *Detector { return defaultDetector }

func (d *Detector) ruleSet() *ruleSet {
	d.core.once.Do(func() { d.core.rules = loadRules() })
	return d.core.rules
}

// Prepare loads the rule set now instead of on the first scan, so a caller
// with spare cores can overlap it with other start-up work.
func (d *Detector) Prepare() { d.ruleSet() }

// candidate is a match before de-duplication, with the secret's span.
type candidate struct {
	r          *rule
	start, end int // byte span of the secret in the scanned text
	secret     string
	key        string
}

// ScanText runs the pattern rules (gitleaks' provider rules plus hardline's
// format rules) over arbitrary text: RUN scripts, heredoc bodies, file
// contents. Line and Column of each match locate the secret within text.
func (d *Detector) ScanText(text string) []Match {
	if text == "" {
		return nil
	}
	cands := dedupe(d.scan(text))
	d.emit(cands)
	return toMatches(text, cands)
}

func (d *Detector) scan(text string) []candidate {
	rs := d.ruleSet()
	lower := asciiLower(text)
	hits := rs.ac.scan(lower, nil)
	if len(hits) == 0 && len(rs.always) == 0 {
		return nil
	}
	// Group keyword hits by rule, preserving text order.
	perRule := map[int32][]acHit{}
	var order []int32
	for _, h := range hits {
		for _, ri := range rs.kwRules[h.kw] {
			if _, ok := perRule[ri]; !ok {
				order = append(order, ri)
			}
			perRule[ri] = append(perRule[ri], h)
		}
	}
	for _, ri := range rs.always {
		if _, ok := perRule[ri]; !ok {
			order = append(order, ri)
			perRule[ri] = nil
		}
	}
	var cands []candidate
	for _, ri := range order {
		r := rs.rules[ri]
		r.prepare()
		if r.bad {
			continue
		}
		cands = r.run(text, lower, perRule[ri], rs, cands)
	}
	return cands
}

// searched counts the bytes a scan hands to regular expressions, so that
// tests can check that the work grows linearly with the input without
// timing it (TestPathologicalInputsStayLinear).
var searched atomic.Int64

// run finds rule r's matches given its keyword hits: by the custom
// scanner, by anchored matching at the hits, or by searching windows
// around them.
func (r *rule) run(text, lower string, hits []acHit, rs *ruleSet, cands []candidate) []candidate {
	if r.custom != nil {
		starts := make([]int, 0, len(hits))
		for _, h := range hits {
			starts = append(starts, h.end-rs.ac.lengths[h.kw])
		}
		sort.Ints(starts)
		for _, m := range r.custom(text, starts) {
			cands = r.evaluate(text, m, rs.global, cands)
		}
		return cands
	}
	if r.anchor != nil {
		for _, m := range r.findAnchored(text, lower, hits, rs.ac.lengths) {
			cands = r.evaluate(text, m, rs.global, cands)
		}
		return cands
	}
	for _, w := range r.windows(text, hits, rs.ac.lengths) {
		searched.Add(int64(w[1] - w[0]))
		for _, m := range r.re.FindAllStringSubmatchIndex(text[w[0]:w[1]], -1) {
			for i := range m {
				if m[i] >= 0 {
					m[i] += w[0]
				}
			}
			cands = r.evaluate(text, m, rs.global, cands)
		}
	}
	return cands
}

// windows returns merged, ordered [lo, hi) ranges of text that must be
// searched for rule r given its keyword hits.
func (r *rule) windows(text string, hits []acHit, kwLen []int) [][2]int {
	if !r.contained || len(hits) == 0 || (r.maxRunes >= inf && r.maxNL >= inf) {
		return [][2]int{{0, len(text)}}
	}
	var out [][2]int
	for _, h := range hits {
		lo, hi := r.window(text, h.end-kwLen[h.kw], h.end)
		if n := len(out); n > 0 && lo <= out[n-1][1] {
			out[n-1][0] = min(out[n-1][0], lo)
			out[n-1][1] = max(out[n-1][1], hi)
			continue
		}
		out = append(out, [2]int{lo, hi})
	}
	// Hits arrive ordered by end offset, but windows of different keyword
	// lengths can still interleave; normalise.
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	merged := out[:0]
	for _, w := range out {
		if n := len(merged); n > 0 && w[0] <= merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], w[1])
			continue
		}
		merged = append(merged, w)
	}
	return merged
}

// evaluate turns one regexp match (absolute submatch indices) into a
// candidate, filtering the way gitleaks does: secret group selection,
// entropy threshold, global and rule allowlists; then hardline's own
// validation.
func (r *rule) evaluate(text string, m []int, global []*allowlist, cands []candidate) []candidate {
	ms, me := m[0], m[1]
	// gitleaks trims line breaks picked up by \s terminators.
	for ms < me && text[ms] == '\n' {
		ms++
	}
	for me > ms && text[me-1] == '\n' {
		me--
	}
	if r.lineStart && ms > 0 && text[ms-1] != '\n' {
		return cands
	}
	ss, se := ms, me
	if len(m) >= 4 {
		if r.secretGroup > 0 {
			g := r.secretGroup
			if 2*g+1 >= len(m) || m[2*g] < 0 {
				return cands
			}
			ss, se = m[2*g], m[2*g+1]
		} else {
			for g := 1; 2*g+1 < len(m); g++ {
				if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
					ss, se = m[2*g], m[2*g+1]
					break
				}
			}
		}
	}
	if se <= ss {
		return cands
	}
	secret := text[ss:se]
	match := text[ms:me]
	if r.entropy != 0 && shannonEntropy(secret) <= r.entropy {
		return cands
	}
	// hardline's validation is cheap and rejects most generic hits, so it
	// runs before the (large) allowlist regexps; all checks must pass, so
	// the order does not change results.
	if r.validate != nil && !r.validate(secret, match) {
		return cands
	}
	if allowed(global, text, secret, match, ms, me) || allowed(r.allowlists, text, secret, match, ms, me) {
		return cands
	}
	c := candidate{r: r, start: ss, end: se, secret: secret}
	if !r.noKey {
		c.key = keyOf(match, ss-ms)
	}
	return append(cands, c)
}

func allowed(lists []*allowlist, text, secret, match string, ms, me int) bool {
	for _, a := range lists {
		if a.unusable {
			continue
		}
		target := secret
		switch a.target {
		case "match":
			target = match
		case "line":
			target = lineAround(text, ms, me)
		}
		regexOK := false
		for _, re := range a.regexes {
			searched.Add(int64(len(target)))
			if re.MatchString(target) {
				regexOK = true
				break
			}
		}
		stopOK := a.stopAC != nil && a.stopAC.any(strings.ToLower(secret))
		if a.and {
			ok := true
			if len(a.regexSrc) > 0 && !regexOK {
				ok = false
			}
			if len(a.stopwords) > 0 && !stopOK {
				ok = false
			}
			if ok {
				return true
			}
		} else if regexOK || stopOK {
			return true
		}
	}
	return false
}

func lineAround(text string, s, e int) string {
	ls := strings.LastIndexByte(text[:s], '\n') + 1
	le := strings.IndexByte(text[e:], '\n')
	if le < 0 {
		le = len(text)
	} else {
		le += e
	}
	return text[ls:le]
}

// keyOf extracts the assignment name that precedes the secret inside a
// match such as `API_TOKEN = "…"` (gitleaks' generic patterns), or "".
func keyOf(match string, secretOff int) string {
	if secretOff <= 0 || secretOff > len(match) {
		return ""
	}
	head := match[:secretOff]
	// Take the last identifier-like run before the assignment operator.
	end := strings.LastIndexAny(head, "=:>,|")
	if end < 0 {
		return ""
	}
	head = strings.TrimRight(head[:end], " \t\r\n'\"`")
	start := len(head)
	for start > 0 && isKeyByte(head[start-1]) {
		start--
	}
	return head[start:]
}

// keyBefore finds the name a value at offset p is assigned to on its line:
// `NAME=v`, `NAME = "v"`, `"name": "v"`, `NAME: v`. Provider patterns match
// only the token, so the name is recovered here for Match.Key.
func keyBefore(text string, p int) string {
	i := p
	for i > 0 && (text[i-1] == '"' || text[i-1] == '\'' || text[i-1] == ' ' || text[i-1] == '\t') {
		i--
	}
	if i == 0 || (text[i-1] != '=' && text[i-1] != ':') {
		return ""
	}
	i--
	for i > 0 && (text[i-1] == '"' || text[i-1] == '\'' || text[i-1] == ' ' || text[i-1] == '\t') {
		i--
	}
	end := i
	for i > 0 && isKeyByte(text[i-1]) && end-i < 128 {
		i--
	}
	if i > 0 && text[i-1] == '/' {
		return "" // the user name of a URL's userinfo, not a key
	}
	return text[i:end]
}

func isKeyByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// dedupe keeps, for overlapping secret spans, the most specific rule:
// provider rules beat hardline format rules, which beat generic rules; at
// equal rank the longer span wins.
func dedupe(cands []candidate) []candidate {
	if len(cands) <= 1 {
		return cands
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.r.rank != b.r.rank {
			return a.r.rank > b.r.rank
		}
		if la, lb := a.end-a.start, b.end-b.start; la != lb {
			return la > lb
		}
		return a.start < b.start
	})
	// kept stays sorted by start and free of overlaps, so one binary search
	// finds the only neighbours a new span could overlap.
	var kept []candidate
	for _, c := range cands {
		i := sort.Search(len(kept), func(i int) bool { return kept[i].start >= c.start })
		if (i > 0 && kept[i-1].end > c.start) || (i < len(kept) && kept[i].start < c.end) {
			continue
		}
		kept = append(kept, candidate{})
		copy(kept[i+1:], kept[i:])
		kept[i] = c
	}
	return kept
}

func toMatches(text string, cands []candidate) []Match {
	if len(cands) == 0 {
		return nil
	}
	out := make([]Match, 0, len(cands))
	line, lineStart, pos := 1, 0, 0
	for _, c := range cands {
		// Candidates are sorted by start, so line counting is one pass.
		for pos < c.start {
			i := strings.IndexByte(text[pos:c.start], '\n')
			if i < 0 {
				pos = c.start
				break
			}
			pos += i + 1
			line++
			lineStart = pos
		}
		key := c.key
		if key == "" && !c.r.noKey {
			key = keyBefore(text, c.start)
		}
		out = append(out, Match{
			Rule:        c.r.id,
			Description: c.r.description,
			Masked:      Mask(c.secret),
			Fingerprint: Fingerprint(c.secret),
			Line:        line,
			Column:      utf8.RuneCountInString(text[lineStart:c.start]) + 1,
			Key:         key,
			Confidence:  c.r.confidence,
		})
	}
	return out
}

// asciiLower lower-cases ASCII letters only, so byte offsets in the result
// equal those in the input (strings.ToLower may change lengths).
func asciiLower(s string) string {
	i := 0
	for i < len(s) && !(s[i] >= 'A' && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, len(s))
	copy(b, s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return string(b)
}

// RuleIDs returns the ids of every rule the detector can report (the
// gitleaks rule set, hardline's text rules and its context rules), sorted,
// so that configuration naming a rule can be checked for typos.
func (d *Detector) RuleIDs() []string {
	seen := map[string]bool{}
	for _, r := range d.ruleSet().rules {
		seen[r.id] = true
	}
	for _, r := range []*rule{ruleAssignment, ruleCLIPassword, ruleCLIHeader, ruleCLIOption, ruleNPMConfig} {
		seen[r.id] = true
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
