package image

import (
	"strings"

	"github.com/hardline-dev/hardline/pkg/dockerfile"
)

// step is one instruction of the Dockerfile's final chain.
type step struct {
	cmd  string // upper case
	text string // normalised arguments (RUN: the script)
	dest string // COPY/ADD destination
	loc  Location
}

// correlate matches history entries to the instructions of the final stage
// chain. Builders differ in which instructions they record (BuildKit skips
// ARG; buildah and the classic builder record COPY sources as content
// hashes), so this is a sequence alignment that maximises agreement rather
// than a positional mapping. Ties go to the latest history entries: the
// user's instructions come after everything inherited from the base image,
// whose history may repeat the same commands.
func correlate(doc *Document, df *dockerfile.Document) {
	steps := finalSteps(df)
	hist := doc.History
	n, m := len(hist), len(steps)
	parsed := make([]parsedHistory, n)
	for i, h := range hist {
		parsed[i] = parseCreatedBy(h.CreatedBy)
	}
	score := func(i, j int) int { return matchScore(parsed[i], hist[i].Instruction, steps[j]) }
	dp := make([][]int, n+1)
	for i := range dp {
		dp[i] = make([]int, m+1)
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			best := max(dp[i-1][j], dp[i][j-1])
			if s := score(i-1, j-1); s > 0 {
				best = max(best, dp[i-1][j-1]+s)
			}
			dp[i][j] = best
		}
	}
	matchOf := make([]int, n)
	for i := range matchOf {
		matchOf[i] = -1
	}
	matched := 0
	for i, j := n, m; i > 0 && j > 0; {
		if s := score(i-1, j-1); s > 0 && dp[i][j] == dp[i-1][j-1]+s {
			matchOf[i-1] = j - 1
			matched++
			i, j = i-1, j-1
			continue
		}
		if dp[i][j] == dp[i][j-1] {
			j--
		} else {
			i--
		}
	}
	ref := &DockerfileRef{File: df.File, Matched: matched}
	doc.Dockerfile = ref
	// Keyword-only agreement (a CMD here, a CMD there) is what any two
	// Dockerfiles share; without one instruction whose text matches, the
	// alignment says nothing about this Dockerfile and this image.
	textual := false
	for i, j := range matchOf {
		if j >= 0 && score(i, j) >= 2 {
			textual = true
		}
	}
	if !textual {
		for i := range matchOf {
			matchOf[i] = -1
		}
		ref.Matched, matched = 0, 0
	}
	if matched == 0 {
		doc.Warnings = append(doc.Warnings, "no history entry of the image matches an instruction of "+df.File+"; findings are not mapped to Dockerfile lines")
		return
	}
	first := -1
	for i, j := range matchOf {
		if j >= 0 {
			first = i
			break
		}
	}
	ref.BaseHistory = first
	for i := range doc.History {
		h := &doc.History[i]
		if i < first {
			h.Origin = "base"
			continue
		}
		h.Origin = "own"
		if j := matchOf[i]; j >= 0 {
			loc := steps[j].loc
			h.Location = &loc
		}
	}
	for i := range doc.Layers {
		l := &doc.Layers[i]
		if l.History >= 0 && l.History < len(doc.History) {
			h := doc.History[l.History]
			l.Origin, l.Location = h.Origin, h.Location
		}
	}
}

func finalSteps(df *dockerfile.Document) []step {
	if df == nil || df.FinalStage < 0 || df.FinalStage >= len(df.Stages) {
		return nil
	}
	var out []step
	for _, si := range df.Stages[df.FinalStage].Chain {
		if si < 0 || si >= len(df.Stages) {
			continue
		}
		for _, in := range df.Stages[si].Instructions {
			s := step{cmd: strings.ToUpper(in.Cmd), loc: Location(in.Location)}
			switch {
			case in.Run != nil:
				s.text = norm(in.Run.Script)
			default:
				s.text = norm(strings.Join(in.Args, " "))
			}
			if (s.cmd == "COPY" || s.cmd == "ADD") && len(in.Args) > 0 {
				s.dest = strings.TrimSuffix(in.Args[len(in.Args)-1], "/")
			}
			out = append(out, s)
		}
	}
	return out
}

// matchScore is 0 for no match, 1 for a keyword match whose text cannot be
// compared, 3 for matching text.
func matchScore(p parsedHistory, instr string, s step) int {
	if instr == "" || instr != s.cmd {
		return 0
	}
	h := norm(p.text)
	switch s.cmd {
	case "RUN":
		if h == s.text || h != "" && s.text != "" && (strings.Contains(h, s.text) || strings.Contains(s.text, h)) {
			return 3
		}
		return 0
	case "COPY", "ADD":
		if h == s.text || strings.HasSuffix(h, " "+s.text) {
			return 3
		}
		// The classic builder and buildah write "file:<hash> in <dest>".
		if s.dest != "" && (strings.HasSuffix(h, " "+s.dest) || strings.HasSuffix(h, " "+s.dest+"/") || strings.HasSuffix(h, " "+s.dest+" ")) {
			return 2
		}
		return 0
	}
	if h == s.text || strings.Contains(h, s.text) || strings.Contains(s.text, h) {
		return 3
	}
	return 1
}

func norm(s string) string {
	s = strings.ReplaceAll(s, "\\\n", " ")
	return strings.Join(strings.Fields(s), " ")
}
