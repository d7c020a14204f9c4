package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// gitlabIssue is one entry of a GitLab Code Quality report: the fields
// GitLab requires (description, check_name, fingerprint, severity,
// location.path, location.lines.begin) plus the Code Climate issue fields
// it ignores but other Code Climate consumers require (type, categories,
// lines.end), and a Markdown body with the fix and the rule's page.
type gitlabIssue struct {
	Type        string         `json:"type"`
	CheckName   string         `json:"check_name"`
	Description string         `json:"description"`
	Content     *gitlabContent `json:"content,omitempty"`
	Categories  []string       `json:"categories"`
	Location    gitlabLocation `json:"location"`
	Severity    string         `json:"severity"`
	Fingerprint string         `json:"fingerprint"`
}

type gitlabContent struct {
	Body string `json:"body"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
	End   int `json:"end"`
}

// gitlabSeverity maps hardline's five severities one to one onto GitLab's.
func gitlabSeverity(s finding.Severity) string {
	switch s {
	case finding.Critical:
		return "blocker"
	case finding.High:
		return "critical"
	case finding.Medium:
		return "major"
	case finding.Low:
		return "minor"
	default:
		return "info"
	}
}

// writeGitLab writes the unsuppressed findings. Suppressed findings are left
// out: GitLab has no notion of a dismissed entry and would show them as
// open. Input errors are left out too (the format has no place for them;
// the exit status and stderr carry them).
func writeGitLab(buf *bytes.Buffer, run *Run) error {
	byID := ruleIndex(run)
	issues := make([]gitlabIssue, 0, len(run.Findings))
	seen := make(map[string]bool, len(run.Findings))
	for i := range run.Findings {
		f := &run.Findings[i]
		if f.Suppressed != nil {
			continue
		}
		begin := max(f.Location.StartLine, 1)
		end := max(f.Location.EndLine, begin)
		is := gitlabIssue{
			Type:        "issue",
			CheckName:   f.RuleID,
			Description: gitlabDescription(f),
			Categories:  []string{"Security"},
			Location:    gitlabLocation{Path: gitlabPath(f.File), Lines: gitlabLines{Begin: begin, End: end}},
			Severity:    gitlabSeverity(f.Severity),
			Fingerprint: gitlabFingerprint(f, seen),
		}
		if body := gitlabBody(f, byID); body != "" {
			is.Content = &gitlabContent{Body: body}
		}
		issues = append(issues, is)
	}
	enc := json.NewEncoder(buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(issues)
}

// gitlabDescription is what the merge request widget shows, the only text
// there: it leads with the rule so that readers can look it up.
func gitlabDescription(f *finding.Finding) string {
	d := f.RuleID
	if f.RuleName != "" {
		d += " " + f.RuleName
	}
	d += ": " + oneLine(firstNonEmpty(f.Message, f.Title, f.RuleID))
	if where := imageText(f.Image); where != "" && f.Location.StartLine == 0 {
		d += " (" + where + ")"
	}
	return d
}

// gitlabPath is the path relative to the repository root, as GitLab matches
// it against the diff; image references and stdin are kept as reported
// (they match no file and appear in the full report only).
func gitlabPath(file string) string {
	p := strings.ReplaceAll(file, "\\", "/")
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	if p == "" {
		return "-"
	}
	return p
}

// gitlabFingerprint is the finding's own fingerprint, so that GitLab's
// new/resolved comparison between pipelines survives line shifts like a
// baseline does. GitLab keeps only one entry per fingerprint; a finding
// without one (a caller that did not assign them) or a duplicate gets a
// hash of what identifies it in this report.
func gitlabFingerprint(f *finding.Finding, seen map[string]bool) string {
	fp := f.Fingerprint
	for n := 0; fp == "" || seen[fp]; n++ {
		h := sha256.New()
		for _, part := range []string{"hardline/gitlab", f.RuleID, f.File, strconv.Itoa(f.Location.StartLine), strconv.Itoa(f.Location.StartColumn), f.Message, f.Fingerprint, strconv.Itoa(n)} {
			h.Write([]byte(part))
			h.Write([]byte{0})
		}
		fp = hex.EncodeToString(h.Sum(nil))[:32]
	}
	seen[fp] = true
	return fp
}

func gitlabBody(f *finding.Finding, byID map[string]finding.Rule) string {
	var parts []string
	if rem := strings.TrimSpace(f.Remediation); rem != "" {
		parts = append(parts, rem)
	}
	if u := findingHelpURI(f, byID); u != "" {
		parts = append(parts, "["+f.RuleID+"]("+u+")")
	}
	return strings.Join(parts, "\n\n")
}
