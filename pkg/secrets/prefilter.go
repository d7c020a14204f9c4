package secrets

// acMatcher is a small Aho-Corasick automaton over lower-case ASCII
// keywords, compiled into a dense DFA over byte classes. One pass over the
// (lower-cased) text reports every keyword occurrence, so the cost of the
// prefilter does not grow with the number of rules. Byte classes keep the
// table small: only bytes that occur in some keyword get their own column,
// every other byte shares class 0 (which always leads back to the root).
type acMatcher struct {
	class   [256]uint8
	nclass  int
	delta   []int32   // state*nclass + class -> next state
	out     [][]int32 // keyword ids ending at a state (including suffixes)
	lengths []int     // keyword id -> length
}

func newACMatcher(words []string) *acMatcher {
	m := &acMatcher{nclass: 1}
	for _, w := range words {
		for i := 0; i < len(w); i++ {
			if m.class[w[i]] == 0 {
				m.class[w[i]] = uint8(m.nclass)
				m.nclass++
			}
		}
		m.lengths = append(m.lengths, len(w))
	}
	// Trie construction; -1 marks a missing edge until the BFS fills it.
	goTo := [][]int32{newRow(m.nclass)}
	out := [][]int32{nil}
	for id, w := range words {
		s := int32(0)
		for i := 0; i < len(w); i++ {
			c := m.class[w[i]]
			if goTo[s][c] < 0 {
				goTo = append(goTo, newRow(m.nclass))
				out = append(out, nil)
				goTo[s][c] = int32(len(goTo) - 1)
			}
			s = goTo[s][c]
		}
		out[s] = append(out[s], int32(id))
	}
	// BFS computes failure links and turns the trie into a full DFA.
	fail := make([]int32, len(goTo))
	queue := make([]int32, 0, len(goTo))
	for c := 0; c < m.nclass; c++ {
		if goTo[0][c] < 0 {
			goTo[0][c] = 0
		} else {
			fail[goTo[0][c]] = 0
			queue = append(queue, goTo[0][c])
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		out[s] = append(out[s], out[fail[s]]...)
		for c := 0; c < m.nclass; c++ {
			t := goTo[s][c]
			if t < 0 {
				goTo[s][c] = goTo[fail[s]][c]
				continue
			}
			fail[t] = goTo[fail[s]][c]
			queue = append(queue, t)
		}
	}
	m.delta = make([]int32, len(goTo)*m.nclass)
	for s, row := range goTo {
		copy(m.delta[s*m.nclass:], row)
	}
	m.out = out
	return m
}

func newRow(n int) []int32 {
	r := make([]int32, n)
	for i := range r {
		r[i] = -1
	}
	return r
}

// acHit is one keyword occurrence: keyword id and end offset (exclusive).
type acHit struct {
	kw  int32
	end int
}

// scan reports all keyword occurrences in lower-cased text, in order of
// their end offset.
func (m *acMatcher) scan(lower string, hits []acHit) []acHit {
	if m == nil || len(m.delta) == 0 {
		return hits
	}
	n := int32(m.nclass)
	s := int32(0)
	for i := 0; i < len(lower); i++ {
		s = m.delta[s*n+int32(m.class[lower[i]])]
		if s != 0 {
			for _, id := range m.out[s] {
				hits = append(hits, acHit{kw: id, end: i + 1})
			}
		}
	}
	return hits
}

// any reports whether some keyword occurs in lower.
func (m *acMatcher) any(lower string) bool {
	n := int32(m.nclass)
	s := int32(0)
	for i := 0; i < len(lower); i++ {
		s = m.delta[s*n+int32(m.class[lower[i]])]
		if len(m.out[s]) > 0 {
			return true
		}
	}
	return false
}
