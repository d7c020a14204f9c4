package compliance

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// mdEscaper neutralises Markdown and inline HTML in text from scanned inputs
// (file names, messages, waiver reasons are attacker-controlled): a cell
// must stay one cell, and no input may inject a link, image or tag.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`|`, `\|`, `#`, `\#`, `<`, "&lt;", `>`, "&gt;", `&`, "&amp;", `!`, `\!`,
	"\r\n", " ", "\n", " ", "\r", " ",
)

func md(s string) string { return mdEscaper.Replace(s) }

func writeMarkdown(w io.Writer, rep *Report) error {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# Compliance report: %s\n\n", md(rep.Framework.Title))
	p("| | |\n|---|---|\n")
	p("| Result | **%s** |\n", md(string(rep.Summary.Result)))
	p("| Framework | %s (`%s`), %s |\n", md(rep.Framework.Publication), rep.Framework.ID, md(rep.Framework.Source))
	p("| Catalog | version %d, %s |\n", rep.Framework.CatalogVersion, md(rep.Framework.CatalogDigest))
	p("| Numbering | %s |\n", md(rep.Framework.Numbering))
	if rep.Framework.EquivalentFramework != "" {
		p("| Equivalent framework | rules referencing %s ids count for the corresponding control |\n", md(rep.Framework.EquivalentFramework))
	}
	p("| Tool | %s %s%s |\n", md(rep.Tool.Name), md(rep.Tool.Version), mdCommit(rep.Tool.Commit))
	p("| Rules | %s |\n", md(rep.Tool.RulesVersion))
	p("| Generated | %s |\n\n", rep.Generated.Format(time.RFC3339))

	p("## Summary\n\n| Status | Controls |\n|---|---:|\n")
	for _, st := range Statuses {
		p("| %s | %d |\n", md(string(st)), rep.Summary.Count(st))
	}
	p("| **Total** | **%d** |\n\n", rep.Summary.Controls)
	p("%d unwaived findings, %d waived; %d inputs, %d could not be analysed.\n\n",
		rep.Summary.Findings, rep.Summary.Waived, rep.Summary.Inputs, rep.Summary.InputErrors)

	p("## What was scanned\n\n")
	if len(rep.Inputs) == 0 {
		p("Nothing.\n\n")
	} else {
		p("| Kind | Input | Digest | Errors |\n|---|---|---|---|\n")
		for _, in := range rep.Inputs {
			p("| %s | %s | %s | %s |\n", in.Kind, md(in.Name), md(inputDigest(in)), md(strings.Join(in.Errors, "; ")))
		}
		p("\n")
	}

	p("## Controls\n\n| Control | Title | Automation | Status | Reason |\n|---|---|---|---|---|\n")
	for _, c := range rep.Controls {
		p("| %s | %s | %s | **%s** | %s |\n", c.ID, md(c.Title), c.Automation, md(string(c.Status)), md(c.Reason))
	}
	p("\n## Details\n")
	for _, c := range rep.Controls {
		p("\n### %s %s: %s\n\n", c.ID, md(c.Title), md(string(c.Status)))
		p("- Section: %s %s\n", c.Group, md(c.GroupTitle))
		if c.Risk != "" {
			p("- Risk: %s\n", c.Risk)
		}
		if c.Equivalent != "" {
			p("- Equivalent: %s %s\n", md(rep.Framework.EquivalentFramework), c.Equivalent)
		}
		p("- Automation: %s\n", c.Automation)
		p("- Rules: %s\n", mdList(c.Rules))
		p("- Reason: %s\n", md(c.Reason))
		if c.Review != "" {
			p("- Review: %s\n", md(c.Review))
		}
		if len(c.Findings) > 0 {
			p("\nFailing findings:\n\n| Rule | Severity | Location | Message |\n|---|---|---|---|\n")
			for _, e := range c.Findings {
				msg := e.Message
				if e.Waiver != nil && e.Waiver.Expired {
					msg += " (waiver expired " + e.Waiver.Expires + ")"
				}
				p("| %s %s | %s | %s | %s |\n", e.RuleID, md(e.RuleName), e.Severity, md(e.Location), md(msg))
			}
		}
		if len(c.Waivers) > 0 {
			p("\nWaivers (accepted risk):\n\n| Rule | Location | Kind | Reason | Owner | Expires | Source |\n|---|---|---|---|---|---|---|\n")
			for _, e := range c.Waivers {
				w := e.Waiver
				exp := md(w.Expires)
				if w.Expired {
					exp += " **EXPIRED**"
				}
				p("| %s %s | %s | %s | %s | %s | %s | %s |\n", e.RuleID, md(e.RuleName), md(e.Location), md(w.Kind), md(w.Reason), md(w.Owner), exp, md(w.Source))
			}
		}
		if len(c.Passed) > 0 {
			p("\nPassed:\n\n")
			for _, ps := range c.Passed {
				p("- %s: %s\n", md(ps.Input), mdList(ps.Rules))
			}
		}
		if len(c.Facts) > 0 {
			p("\nFacts:\n\n")
			for _, f := range c.Facts {
				var kv []string
				for _, x := range f.Facts {
					kv = append(kv, x.Name+" = "+md(x.Value))
				}
				p("- %s: %s\n", md(f.Input), strings.Join(kv, "; "))
			}
		}
		if len(c.NotApplicable) > 0 {
			p("\nNot applicable:\n\n")
			for _, n := range c.NotApplicable {
				p("- %s: %s\n", md(n.Input), md(n.Reason))
			}
		}
		if len(c.Errors) > 0 {
			p("\nErrors:\n\n")
			for _, n := range c.Errors {
				p("- %s: %s\n", md(n.Input), md(n.Reason))
			}
		}
	}
	p("\n## Rules enabled\n\n")
	if len(rep.Rules) == 0 {
		p("None.\n")
	} else {
		p("| Rule | Name | Severity | Inputs | Title |\n|---|---|---|---|---|\n")
		for _, r := range rep.Rules {
			p("| %s | %s | %s | %s | %s |\n", r.ID, md(r.Name), r.Severity, strings.Join(r.Inputs, ", "), md(r.Title))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdList(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return md(strings.Join(ids, ", "))
}

func mdCommit(c string) string {
	if c == "" {
		return ""
	}
	return " (commit " + md(c) + ")"
}

// inputDigest is what identifies an input's content: a file's SHA-256, an
// image's manifest digest, or, without one (docker save archives), its
// configuration digest.
func inputDigest(in Input) string {
	switch {
	case in.SHA256 != "":
		return "sha256:" + in.SHA256
	case in.Digest != "":
		return in.Digest
	case in.ConfigDigest != "":
		return "config " + in.ConfigDigest
	}
	return "unknown"
}
