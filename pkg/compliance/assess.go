package compliance

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hardline-dev/hardline/pkg/controls"
	"github.com/hardline-dev/hardline/pkg/finding"
)

// Kinds of input.
const (
	KindDockerfile = "dockerfile"
	KindImage      = "image"
)

// Scanned is one input with its findings, as the caller collected them.
type Scanned struct {
	Input
	// Findings of this input, suppressed ones included; the caller's order
	// is kept (pkg/lint sorts them).
	Findings []finding.Finding
}

// Options are everything Assess needs.
type Options struct {
	Catalog *controls.Catalog
	// Rules are the rules that ran (enabled, for the kinds scanned), with
	// the configured severities.
	Rules []finding.Rule
	// AllRules are every rule loaded, enabled or not, to tell a control
	// whose rules were turned off from one no rule evidences. Nil: Rules.
	AllRules []finding.Rule
	Inputs   []Scanned
	Tool     Tool
	// Now is the assessment time; waivers expire against its UTC date.
	Now time.Time
}

// Assess builds the report: one row per catalog control.
func Assess(opts Options) (*Report, error) {
	cat := opts.Catalog
	if cat == nil {
		return nil, fmt.Errorf("compliance: no catalog")
	}
	if opts.Now.IsZero() {
		return nil, fmt.Errorf("compliance: no assessment time")
	}
	all := opts.AllRules
	if all == nil {
		all = opts.Rules
	}
	now := opts.Now.UTC().Truncate(time.Second)
	today := now.Format(time.DateOnly)
	rep := &Report{
		SchemaVersion: SchemaVersion,
		Framework: Framework{
			ID: cat.ID, Title: cat.Title, Publication: cat.Publication, Source: cat.Source,
			CatalogVersion: cat.CatalogVersion, CatalogDigest: cat.Digest, Numbering: strings.TrimSpace(cat.Numbering),
			EquivalentFramework: cat.EquivalentFramework,
		},
		Generated: now,
		Tool:      opts.Tool,
		Inputs:    []Input{},
		Controls:  []ControlResult{},
		Rules:     []Rule{},
	}
	for _, in := range opts.Inputs {
		rep.Inputs = append(rep.Inputs, in.Input)
		if len(in.Errors) > 0 {
			rep.Summary.InputErrors++
		}
	}
	rep.Summary.Inputs = len(opts.Inputs)
	ran := slices.Clone(opts.Rules)
	sort.Slice(ran, func(i, j int) bool { return ran[i].ID < ran[j].ID })
	for _, r := range ran {
		rep.Rules = append(rep.Rules, Rule{ID: r.ID, Name: r.Name, Title: r.Title, Severity: r.Severity.String(), Inputs: nonNil(r.Inputs), HelpURI: r.HelpURI})
	}

	for i := range cat.Controls {
		ctl := &cat.Controls[i]
		row := assessControl(cat, ctl, ran, cat.RulesFor(ctl, all), opts.Inputs, today)
		rep.Controls = append(rep.Controls, row)
		s := &rep.Summary
		s.Controls++
		switch row.Status {
		case Pass:
			s.Pass++
		case PassWithWaivers:
			s.PassWithWaivers++
		case Fail:
			s.Fail++
		case Manual:
			s.Manual++
		case NotApplicable:
			s.NotApplicable++
		case Error:
			s.Error++
		}
		s.Findings += len(row.Findings)
		s.Waived += len(row.Waivers)
	}
	switch {
	case rep.Summary.Fail > 0:
		rep.Summary.Result = Fail
	case rep.Summary.Error > 0 || rep.Summary.InputErrors > 0:
		rep.Summary.Result = Error
	default:
		rep.Summary.Result = Pass
	}
	return rep, nil
}

func assessControl(cat *controls.Catalog, ctl *controls.Control, ran, mapped []finding.Rule, inputs []Scanned, today string) ControlResult {
	row := ControlResult{
		ID: ctl.ID, Title: ctl.Title, Group: ctl.Group, GroupTitle: cat.GroupTitle(ctl.Group),
		Risk: ctl.Risk, Equivalent: ctl.Equivalent, Automation: string(ctl.Automation), Review: ctl.Review,
		Rules: []string{}, Findings: []Evidence{}, Waivers: []Evidence{}, Passed: []Passed{},
		NotApplicable: []InputNote{}, Errors: []InputNote{}, Facts: []InputFacts{},
	}
	rules := cat.RulesFor(ctl, ran)
	byID := map[string]bool{}
	for _, r := range rules {
		row.Rules = append(row.Rules, r.ID)
		byID[r.ID] = true
	}
	for _, in := range inputs {
		if facts := pickFacts(in.Facts, ctl.Facts); len(facts) > 0 {
			row.Facts = append(row.Facts, InputFacts{Input: in.Name, Facts: facts})
		}
	}

	covered := 0      // inputs some enabled rule of the control judged
	kindMissing := "" // the input kind the control's rules need but nobody gave
	for _, in := range inputs {
		var applicable []string
		for _, r := range rules {
			if slices.Contains(r.Inputs, in.Kind) {
				applicable = append(applicable, r.ID)
			}
		}
		if cond := firstShared(ctl.NotApplicableWhen, in.Conditions); cond != "" && len(rules) > 0 {
			row.NotApplicable = append(row.NotApplicable, InputNote{Input: in.Name, Reason: conditionReason(cond)})
			continue
		}
		if len(applicable) == 0 {
			continue
		}
		covered++
		if len(in.Errors) > 0 {
			row.Errors = append(row.Errors, InputNote{Input: in.Name, Reason: strings.Join(in.Errors, "; ")})
			continue
		}
		hit := false
		for _, f := range in.Findings {
			if !byID[f.RuleID] {
				continue
			}
			hit = true
			ev := evidence(in.Name, f)
			if f.Suppressed == nil {
				row.Findings = append(row.Findings, ev)
				continue
			}
			w := waiver(f.Suppressed, today)
			ev.Waiver = &w
			row.Waivers = append(row.Waivers, ev)
			if w.Expired {
				row.Findings = append(row.Findings, ev)
			}
		}
		if !hit {
			row.Passed = append(row.Passed, Passed{Input: in.Name, Rules: applicable})
		}
	}
	if covered == 0 && len(rules) > 0 {
		kinds := map[string]bool{}
		for _, r := range rules {
			for _, k := range r.Inputs {
				kinds[k] = true
			}
		}
		var ks []string
		for k := range kinds {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		kindMissing = strings.Join(ks, " or ")
	}

	switch {
	case len(row.Findings) > 0:
		row.Status = Fail
		expired := 0
		for _, e := range row.Findings {
			if e.Waiver != nil {
				expired++
			}
		}
		row.Reason = fmt.Sprintf("%s failing %s", count(len(row.Findings), "finding"), inputsPhrase(row.Findings))
		if expired > 0 {
			row.Reason += fmt.Sprintf(" (%s expired)", count(expired, "waiver"))
		}
	case len(row.Errors) > 0:
		row.Status = Error
		row.Reason = fmt.Sprintf("%s could not be analysed", count(len(row.Errors), "input"))
	case len(mapped) == 0:
		row.Status = Manual
		row.Reason = "no rule evidences this control; it needs manual review"
	case len(rules) == 0:
		row.Status = Manual
		var ids []string
		for _, r := range mapped {
			ids = append(ids, r.ID)
		}
		row.Reason = "the rules that evidence this control are disabled (" + strings.Join(ids, ", ") + "); it needs manual review"
	case covered == 0 && len(row.NotApplicable) > 0:
		row.Status = NotApplicable
		row.Reason = "cannot be judged on the inputs given: " + row.NotApplicable[0].Reason
	case covered == 0 && len(inputs) == 0:
		row.Status = NotApplicable
		row.Reason = "nothing was scanned"
	case covered == 0:
		row.Status = NotApplicable
		row.Reason = "its rules check " + kindMissing + " inputs, and none was scanned"
	case len(row.Waivers) > 0:
		row.Status = PassWithWaivers
		row.Reason = fmt.Sprintf("only waived findings (%s, accepted risk)", count(len(row.Waivers), "waiver"))
	default:
		row.Status = Pass
		row.Reason = fmt.Sprintf("%s found nothing on %s", count(len(rules), "rule"), count(covered, "input"))
	}
	if row.Status == Pass || row.Status == PassWithWaivers {
		if ctl.Automation == controls.Partial {
			row.Reason += "; partly automated: see review"
		}
	}
	return row
}

func evidence(input string, f finding.Finding) Evidence {
	ev := Evidence{
		RuleID: f.RuleID, RuleName: f.RuleName, Severity: f.Severity.String(), Message: f.Message,
		Input: input, Fingerprint: f.Fingerprint,
	}
	if f.Image != nil && f.Location.StartLine == 0 {
		layer := f.Image.Layer
		ev.Image, ev.Layer, ev.LayerDigest, ev.Path = f.Image.Name, &layer, f.Image.LayerDigest, f.Image.Path
		loc := f.Image.Name
		if layer >= 0 {
			loc += fmt.Sprintf(" layer %d", layer)
			if f.Image.LayerDigest != "" {
				loc += " (" + f.Image.LayerDigest + ")"
			}
		} else {
			loc += " config"
		}
		if f.Image.Path != "" {
			loc += " " + f.Image.Path
		}
		ev.Location = loc
		return ev
	}
	ev.File, ev.Line = f.File, f.Location.StartLine
	switch {
	case f.Location.StartLine > 0 && f.Location.StartColumn > 0:
		ev.Location = fmt.Sprintf("%s:%d:%d", f.File, f.Location.StartLine, f.Location.StartColumn)
	case f.Location.StartLine > 0:
		ev.Location = fmt.Sprintf("%s:%d", f.File, f.Location.StartLine)
	default:
		ev.Location = f.File
	}
	if f.Image != nil {
		// An image finding correlated to its Dockerfile line: keep the layer.
		layer := f.Image.Layer
		ev.Image, ev.Layer, ev.LayerDigest, ev.Path = f.Image.Name, &layer, f.Image.LayerDigest, f.Image.Path
		if f.Image.Path != "" {
			ev.Location += " (" + f.Image.Name + " " + f.Image.Path + ")"
		}
	}
	return ev
}

// waiver reads a suppression; an expiry that is not a YYYY-MM-DD date counts
// as expired, so that a typo never extends a waiver forever.
func waiver(s *finding.Suppression, today string) Waiver {
	w := Waiver{Kind: s.Kind, Reason: s.Reason, Source: s.Source, Owner: s.Owner, Expires: s.Expires}
	if s.Expires != "" {
		if _, err := time.Parse(time.DateOnly, s.Expires); err != nil || s.Expires < today {
			w.Expired = true
		}
	}
	return w
}

func conditionReason(cond string) string {
	switch cond {
	case controls.CondNoHealthcheckField:
		return "the image's configuration format (OCI) has no healthcheck field"
	}
	return cond
}

func pickFacts(have map[string]string, want []string) []Fact {
	var out []Fact
	for _, k := range want {
		if v, ok := have[k]; ok {
			out = append(out, Fact{Name: k, Value: v})
		}
	}
	return out
}

func firstShared(a, b []string) string {
	for _, x := range a {
		if slices.Contains(b, x) {
			return x
		}
	}
	return ""
}

func inputsPhrase(evs []Evidence) string {
	seen := map[string]bool{}
	var names []string
	for _, e := range evs {
		if !seen[e.Input] {
			seen[e.Input] = true
			names = append(names, e.Input)
		}
	}
	if len(names) == 1 {
		return "in " + names[0]
	}
	return fmt.Sprintf("in %d inputs", len(names))
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
