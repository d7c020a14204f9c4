package report

import (
	"bytes"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	gosarif "github.com/owenrumney/go-sarif/v3/pkg/report"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/hardline-dev/hardline/pkg/finding"
)

const (
	// srcRoot is the uriBaseId every relative artifact URI is resolved
	// against. GitHub code scanning maps it to the checkout root.
	srcRoot = "%SRCROOT%"
	// fingerprintKey names hardline's fingerprint in partialFingerprints.
	// GitHub uses it to track an alert across commits, so it must never
	// change meaning; a new algorithm gets a new key (hardline/v2).
	fingerprintKey = "hardline/v1"
	// defaultCategory is used when the caller gives none; GitHub requires
	// distinct categories only when several analyses upload for one commit.
	defaultCategory = "hardline"
)

// sarifLevel maps severities onto the three SARIF levels GitHub shows.
func sarifLevel(s finding.Severity) string {
	switch {
	case s >= finding.High:
		return sarif.LevelError
	case s == finding.Medium:
		return sarif.LevelWarning
	default:
		return sarif.LevelNote
	}
}

// securitySeverity is the CVSS-like score GitHub reads from
// properties.security-severity to label alerts critical (>= 9.0), high
// (7.0-8.9), medium (4.0-6.9) or low (0.1-3.9). The values sit inside those
// bands so that GitHub's label equals hardline's severity.
func securitySeverity(s finding.Severity) string {
	switch s {
	case finding.Critical:
		return "9.5"
	case finding.High:
		return "8.0"
	case finding.Medium:
		return "5.5"
	case finding.Low:
		return "3.0"
	default:
		return "1.0"
	}
}

var semverRE = regexp.MustCompile(`^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$`)

func writeSARIF(buf *bytes.Buffer, run *Run, opts Options) error {
	sr := sarif.NewRun()
	// Columns count characters, as in the text format, not UTF-16 units.
	sr.WithColumnKind("unicodeCodePoints")
	sr.Tool = sarif.NewTool().WithDriver(sarifDriver(run))

	// The root is described, not given as a file:// URI: the absolute
	// working directory would make the log differ between machines and
	// reveal local paths, and GitHub resolves %SRCROOT% to the checkout.
	root := sarif.NewArtifactLocation().WithDescription(
		sarif.NewTextMessage("The directory hardline was run from; relative result paths are relative to it."))
	sr.WithOriginalUriBaseIds(map[string]sarif.ArtifactLocation{srcRoot: *root})

	category := sarifCategory(run, opts)
	// The trailing slash makes the whole id a category with an empty run
	// part, so repeated uploads replace each other instead of piling up.
	sr.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID(category + "/"))

	rules := sarifRuleSet(run)
	index := make(map[string]int, len(rules))
	for i, r := range rules {
		index[r.ID] = i
		sr.Tool.Driver.AddRule(sarifRule(r))
	}

	for _, f := range run.Findings {
		sr.AddResult(sarifResult(f, index[f.RuleID]))
	}

	inv := sarif.NewInvocation().WithExecutionSuccessful(len(run.Errors) == 0)
	for _, e := range run.Errors {
		msg := e.Message
		if msg == "" {
			msg = "input error"
		}
		n := sarif.NewNotification().WithLevel(sarif.LevelError).WithMessage(sarif.NewTextMessage(msg))
		if loc := sarifLocation(e.File, finding.Location{StartLine: e.Line}); loc != nil {
			n.AddLocation(loc)
		}
		inv.AddToolExecutionNotification(n)
	}
	for _, w := range run.Warnings {
		n := sarif.NewNotification().WithLevel(sarif.LevelWarning).WithMessage(sarif.NewTextMessage(w.Message))
		if loc := sarifLocation(w.File, finding.Location{StartLine: w.Line}); loc != nil {
			n.AddLocation(loc)
		}
		inv.AddToolExecutionNotification(n)
	}
	sr.AddInvocation(inv)

	doc := gosarif.NewV210Report().AddRun(sr)
	if err := doc.PrettyWrite(buf); err != nil {
		return err
	}
	buf.WriteString("\n")
	return nil
}

// sarifCategory is the category part of automationDetails.id: the caller's
// override, else the command's, else the default; never empty, so that two
// uploads of one commit can only collide when they were meant to replace
// each other.
func sarifCategory(run *Run, opts Options) string {
	for _, c := range []string{opts.Category, run.Category} {
		if c = strings.Trim(strings.TrimSpace(c), "/"); c != "" {
			return c
		}
	}
	return defaultCategory
}

func sarifDriver(run *Run) *sarif.ToolComponent {
	name := run.Tool.Name
	if name == "" {
		name = "hardline"
	}
	d := sarif.NewToolComponent().WithName(name)
	if v := run.Tool.Version; v != "" {
		d.WithVersion(v)
		// GitHub compares semanticVersion between uploads; only claim
		// one when the version really is semver (not "dev" or a hash).
		if m := semverRE.FindStringSubmatch(v); m != nil {
			d.WithSemanticVersion(m[1])
		}
	}
	if u := run.Tool.InformationURI; u != "" {
		d.WithInformationURI(u)
	}
	props := sarif.NewPropertyBag()
	if run.Tool.Commit != "" {
		props.Add("commit", run.Tool.Commit)
	}
	if run.Tool.RulesVersion != "" {
		props.Add("rulesVersion", run.Tool.RulesVersion)
	}
	if len(props.Properties) > 0 {
		d.WithProperties(props)
	}
	return d
}

// sarifRuleSet is every evaluated rule, plus a rule synthesised from the
// finding itself for any finding whose rule the caller did not list, so
// that every result's ruleIndex points at a real descriptor.
func sarifRuleSet(run *Run) []finding.Rule {
	known := make(map[string]bool, len(run.Rules))
	all := append([]finding.Rule(nil), run.Rules...)
	for _, r := range run.Rules {
		known[r.ID] = true
	}
	for _, f := range run.Findings {
		if known[f.RuleID] {
			continue
		}
		known[f.RuleID] = true
		all = append(all, finding.Rule{
			ID:          f.RuleID,
			Name:        f.RuleName,
			Title:       f.Title,
			Severity:    f.Severity,
			Tags:        f.Tags,
			Controls:    f.Controls,
			Remediation: f.Remediation,
			HelpURI:     f.HelpURI,
		})
	}
	return rulesByID(all)
}

func sarifRule(r finding.Rule) *sarif.ReportingDescriptor {
	d := sarif.NewRule(r.ID)
	if r.Name != "" {
		d.WithName(r.Name)
	}
	short := firstNonEmpty(r.Title, r.Name, r.ID)
	d.WithShortDescription(sarif.NewMultiformatMessageString().WithText(short))
	d.WithFullDescription(sarif.NewMultiformatMessageString().WithText(firstNonEmpty(r.Description, short)))
	text, md := ruleHelp(r, short)
	d.WithHelp(sarif.NewMultiformatMessageString().WithText(text).WithMarkdown(md))
	if u := helpURI(r); u != "" {
		d.WithHelpURI(u)
	}
	d.WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(r.Severity)))

	// GitHub only treats a rule as a security query (and shows the
	// security-severity label) when it is tagged "security".
	tags := make([]string, 0, len(r.Tags)+1)
	hasSecurity := false
	for _, t := range r.Tags {
		if t == "security" {
			hasSecurity = true
		}
		tags = append(tags, t)
	}
	if !hasSecurity {
		tags = append(tags, "security")
	}
	props := sarif.NewPropertyBag().WithTags(tags)
	props.Add("security-severity", securitySeverity(r.Severity))
	props.Add("precision", "high")
	d.WithProperties(props)
	return d
}

// ruleHelp is the help GitHub shows beside an alert: the description, the
// fix and the compliance controls the rule maps to.
func ruleHelp(r finding.Rule, short string) (text, markdown string) {
	desc := firstNonEmpty(strings.TrimSpace(r.Description), short)
	var t, m strings.Builder
	t.WriteString(desc)
	m.WriteString(desc)
	if rem := strings.TrimSpace(r.Remediation); rem != "" {
		t.WriteString("\n\nRemediation: " + rem)
		m.WriteString("\n\n**Remediation**\n\n" + rem)
	}
	if len(r.Controls) > 0 {
		ids := make([]string, 0, len(r.Controls))
		m.WriteString("\n\n**Controls**\n")
		for _, c := range r.Controls {
			ids = append(ids, c.String())
			m.WriteString("\n- " + c.Framework + " " + c.ID)
		}
		t.WriteString("\n\nControls: " + strings.Join(ids, ", "))
	}
	return t.String(), m.String()
}

func sarifResult(f finding.Finding, ruleIndex int) *sarif.Result {
	res := sarif.NewRuleResult(f.RuleID).
		WithRuleIndex(ruleIndex).
		WithLevel(sarifLevel(f.Severity)).
		WithMessage(sarif.NewTextMessage(firstNonEmpty(f.Message, f.Title, f.RuleID)))
	if loc := sarifLocation(f.File, f.Location); loc != nil {
		res.AddLocation(loc)
	}
	if f.Fingerprint != "" {
		res.WithPartialFingerprints(map[string]string{fingerprintKey: f.Fingerprint})
	}
	props := sarif.NewPropertyBag()
	props.Add("stage", f.Stage)
	if f.StageName != "" {
		props.Add("stageName", f.StageName)
	}
	if im := f.Image; im != nil {
		props.Add("image", im.Name)
		if im.Digest != "" {
			props.Add("imageDigest", im.Digest)
		}
		props.Add("layer", im.Layer)
		if im.LayerDigest != "" {
			props.Add("layerDigest", im.LayerDigest)
		}
		if im.Path != "" {
			props.Add("pathInImage", im.Path)
		}
		if im.Origin != "" {
			props.Add("origin", im.Origin)
		}
	}
	if sr := f.Secret; sr != nil {
		// What secrets.allow in .hardline.yaml names; never the value.
		props.Add("secretFingerprint", sr.Fingerprint)
		if sr.Rule != "" {
			props.Add("secretRule", sr.Rule)
		}
	}
	if ew := f.ExpiredWaiver; ew != nil && f.Suppressed == nil {
		props.Add("expiredWaiver", map[string]string{"source": ew.Source, "expires": ew.Expires, "owner": ew.Owner, "reason": ew.Reason})
	}
	res.WithProperties(props)

	if sp := f.Suppressed; sp != nil {
		// Only an inline comment lives in the analysed file; config and
		// baseline suppressions are kept elsewhere.
		kind := "external"
		if sp.Kind == "inline" {
			kind = "inSource"
		}
		s := sarif.NewSuppression().WithKind(kind)
		if sp.Reason != "" {
			s.WithJustification(sp.Reason)
		}
		sprops := sarif.NewPropertyBag()
		if sp.Kind != "" {
			sprops.Add("hardlineKind", sp.Kind)
		}
		if sp.Source != "" {
			sprops.Add("source", sp.Source)
		}
		if sp.Owner != "" {
			sprops.Add("owner", sp.Owner)
		}
		if sp.Expires != "" {
			sprops.Add("expires", sp.Expires)
		}
		if len(sprops.Properties) > 0 {
			s.WithProperties(sprops)
		}
		res.AddSuppression(s)
	}
	return res
}

// sarifLocation points at file and, when the finding has a line, at a
// region. Finding columns are 1-based with an inclusive end; SARIF's
// endColumn is exclusive, hence the +1. Zero fields are left out because
// SARIF lines and columns start at 1.
func sarifLocation(file string, l finding.Location) *sarif.Location {
	if file == "" {
		return nil
	}
	al := sarif.NewArtifactLocation()
	uri, relative := artifactURI(file)
	al.WithURI(uri)
	if relative {
		al.WithURIBaseID(srcRoot)
	}
	pl := sarif.NewPhysicalLocation().WithArtifactLocation(al)
	if l.StartLine >= 1 {
		reg := sarif.NewRegion().WithStartLine(l.StartLine)
		if l.StartColumn >= 1 {
			reg.WithStartColumn(l.StartColumn)
		}
		endLine := l.StartLine
		if l.EndLine > l.StartLine {
			endLine = l.EndLine
			reg.WithEndLine(l.EndLine)
		} else if l.EndLine == l.StartLine {
			reg.WithEndLine(l.EndLine)
		}
		if l.EndColumn >= 1 && (endLine > l.StartLine || l.EndColumn >= l.StartColumn) {
			reg.WithEndColumn(l.EndColumn + 1)
		}
		pl.WithRegion(reg)
	}
	return sarif.NewLocationWithPhysicalLocation(pl)
}

// artifactURI turns an input path into a SARIF URI: relative paths become
// slash-separated, percent-encoded references resolved against %SRCROOT%;
// absolute paths (inputs outside the working directory) become file URIs.
func artifactURI(file string) (uri string, relative bool) {
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) || strings.HasPrefix(p, "/") || isDrivePath(p) {
		u := url.URL{Scheme: "file", Path: "/" + strings.TrimPrefix(p, "/")}
		return u.String(), false
	}
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	// url.URL.String escapes each segment and protects a first segment
	// containing ":" (e.g. an image reference) from reading as a scheme.
	return (&url.URL{Path: p}).String(), true
}

func isDrivePath(p string) bool {
	return len(p) >= 3 && p[1] == ':' && p[2] == '/' &&
		(p[0] >= 'a' && p[0] <= 'z' || p[0] >= 'A' && p[0] <= 'Z')
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
