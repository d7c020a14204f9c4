package compliance

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	oscal "github.com/defenseunicorns/go-oscal/src/types/oscal-1-1-3"
	"github.com/google/uuid"
)

// OSCALVersion is the OSCAL release the assessment results conform to.
const OSCALVersion = "1.1.3"

// oscalNS qualifies hardline's own property names, as OSCAL requires for
// names outside its vocabulary.
const oscalNS = "https://github.com/hardline-dev/hardline/ns/oscal"

// uuidNS is the namespace of every UUID hardline derives (RFC 9562 version
// 5): the same content gives the same UUID, so two reports of the same scan
// differ only where the scan differs.
var uuidNS = uuid.MustParse("5d0c6f3e-8a0e-4c5b-9a43-7f2f1b6e9c11")

func uuidOf(parts ...string) string {
	return uuid.NewSHA1(uuidNS, []byte(strings.Join(parts, "\x00"))).String()
}

// oscalControlID makes a control id an OSCAL token (which must start with a
// letter): nist-800-190-4.1.1, cis-docker-1.6.0-4.1.
func oscalControlID(framework, id string) string { return framework + "-" + id }

// line makes text fit OSCAL's single-line fields (titles, property values):
// no line breaks, no leading or trailing space.
func line(s string) string { return strings.Join(strings.Fields(s), " ") }

func prop(name, value string) (oscal.Property, bool) {
	v := line(value)
	return oscal.Property{Name: name, Ns: oscalNS, Value: v}, v != ""
}

func props(kv ...string) *[]oscal.Property {
	var out []oscal.Property
	for i := 0; i+1 < len(kv); i += 2 {
		if p, ok := prop(kv[i], kv[i+1]); ok {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &out
}

// BuildOSCAL maps the report onto OSCAL assessment results: inputs and the
// catalog are back-matter resources, every piece of evidence is an
// observation, every judged control a finding whose target status is
// satisfied or not-satisfied, and every failing or waived finding a risk
// (open, or deviation-approved for a waiver in force). MANUAL controls are
// listed as reviewed but get no finding: this tool did not assess them.
func BuildOSCAL(rep *Report) *oscal.OscalCompleteSchema {
	fw := rep.Framework
	gen := rep.Generated.UTC()
	var inputKeys []string
	for _, in := range rep.Inputs {
		inputKeys = append(inputKeys, in.Kind, in.Name, inputDigest(in))
	}
	scanKey := strings.Join(append([]string{fw.ID, fw.CatalogDigest, rep.Tool.Version, rep.Tool.RulesVersion, gen.Format(time.RFC3339)}, inputKeys...), "\x00")

	var resources []oscal.Resource
	planUUID := uuidOf("plan", fw.ID, rep.Tool.RulesVersion)
	resources = append(resources, oscal.Resource{
		UUID:        planUUID,
		Title:       line(fmt.Sprintf("hardline rule set %s assessed against %s", rep.Tool.RulesVersion, fw.Title)),
		Description: "The assessment plan is implicit: every enabled hardline rule that evidences a control of the catalog ran on every input of its kind.",
		Props:       props("rules-version", rep.Tool.RulesVersion, "framework", fw.ID),
	})
	catUUID := uuidOf("catalog", fw.ID, fw.CatalogDigest)
	resources = append(resources, oscal.Resource{
		UUID:     catUUID,
		Title:    line(fw.Title),
		Citation: &oscal.Citation{Text: line(fw.Publication)},
		Rlinks:   &[]oscal.ResourceLink{{Href: fw.Source}},
		Props:    props("framework", fw.ID, "catalog-version", fmt.Sprint(fw.CatalogVersion), "catalog-digest", fw.CatalogDigest),
	})
	inputUUID := map[string]string{}
	for _, in := range rep.Inputs {
		id := uuidOf("input", in.Kind, in.Name, inputDigest(in))
		inputUUID[in.Name] = id
		r := oscal.Resource{
			UUID:  id,
			Title: line(in.Name),
			Props: props("input-kind", in.Kind, "sha256", in.SHA256, "digest", in.Digest, "config-digest", in.ConfigDigest),
		}
		if len(in.Errors) > 0 {
			r.Remarks = "Could not be analysed: " + strings.Join(in.Errors, "; ")
		}
		resources = append(resources, r)
	}

	var (
		observations []oscal.Observation
		risks        []oscal.Risk
		findings     []oscal.Finding
		selected     []oscal.AssessedControlsSelectControlById
		seenObs      = map[string]bool{}
		seenRisk     = map[string]bool{}
	)
	subject := func(input string) *[]oscal.SubjectReference {
		id, ok := inputUUID[input]
		if !ok {
			return nil
		}
		return &[]oscal.SubjectReference{{SubjectUuid: id, Type: "resource", Title: line(input)}}
	}
	addObs := func(o oscal.Observation) string {
		if !seenObs[o.UUID] {
			seenObs[o.UUID] = true
			observations = append(observations, o)
		}
		return o.UUID
	}
	evidenceObs := func(e Evidence) string {
		desc := e.Message
		if e.Waiver != nil {
			desc += "\n\nWaived (" + e.Waiver.Kind + ")"
			if e.Waiver.Reason != "" {
				desc += ": " + e.Waiver.Reason
			}
		}
		return addObs(oscal.Observation{
			UUID:             uuidOf("finding", e.Input, e.Fingerprint, e.RuleID, e.Location),
			Title:            line(e.RuleID + " " + e.RuleName + " at " + e.Location),
			Description:      desc,
			Methods:          []string{"TEST"},
			Types:            &[]string{"finding"},
			Collected:        gen,
			Subjects:         subject(e.Input),
			RelevantEvidence: &[]oscal.RelevantEvidence{{Description: "Location: " + e.Location}},
			Props:            props("rule-id", e.RuleID, "severity", e.Severity, "fingerprint", e.Fingerprint, "location", e.Location),
		})
	}
	evidenceRisk := func(e Evidence, obs string) string {
		id := uuidOf("risk", e.Input, e.Fingerprint, e.RuleID, e.Location)
		if seenRisk[id] {
			return id
		}
		seenRisk[id] = true
		r := oscal.Risk{
			UUID:                id,
			Title:               line(e.RuleID + " " + e.RuleName + " in " + e.Input),
			Description:         e.Message,
			Statement:           fmt.Sprintf("Rule %s (%s severity) reported this at %s.", e.RuleID, e.Severity, e.Location),
			Status:              "open",
			RelatedObservations: &[]oscal.RelatedObservation{{ObservationUuid: obs}},
		}
		if w := e.Waiver; w != nil {
			r.Props = props("waiver-kind", w.Kind, "waiver-reason", w.Reason, "waiver-owner", w.Owner, "waiver-expires", w.Expires, "waiver-source", w.Source)
			if w.Expired {
				r.Statement += " Its waiver expired on " + w.Expires + ", so the risk is open again."
			} else {
				r.Status = "deviation-approved"
				r.Statement += " The risk was accepted"
				if w.Owner != "" {
					r.Statement += " by " + w.Owner
				}
				if w.Reason != "" {
					r.Statement += ": " + w.Reason
				}
				r.Statement += "."
				if d, err := time.Parse(time.DateOnly, w.Expires); err == nil {
					end := d.Add(24*time.Hour - time.Second).UTC()
					r.Deadline = &end
				}
			}
		}
		risks = append(risks, r)
		return id
	}

	for _, c := range rep.Controls {
		ctlID := oscalControlID(fw.ID, c.ID)
		selected = append(selected, oscal.AssessedControlsSelectControlById{ControlId: ctlID})
		if c.Status == Manual {
			continue
		}
		var obsIDs []oscal.RelatedObservation
		var riskIDs []oscal.AssociatedRisk
		for _, e := range c.Findings {
			o := evidenceObs(e)
			obsIDs = append(obsIDs, oscal.RelatedObservation{ObservationUuid: o})
			riskIDs = append(riskIDs, oscal.AssociatedRisk{RiskUuid: evidenceRisk(e, o)})
		}
		for _, e := range c.Waivers {
			if e.Waiver != nil && e.Waiver.Expired {
				continue // already a failing finding above
			}
			o := evidenceObs(e)
			obsIDs = append(obsIDs, oscal.RelatedObservation{ObservationUuid: o})
			riskIDs = append(riskIDs, oscal.AssociatedRisk{RiskUuid: evidenceRisk(e, o)})
		}
		for _, p := range c.Passed {
			o := addObs(oscal.Observation{
				UUID:        uuidOf("passed", ctlID, p.Input, strings.Join(p.Rules, ",")),
				Title:       line("No findings for " + c.ID + " in " + p.Input),
				Description: fmt.Sprintf("Rules %s ran on %s and reported nothing.%s", strings.Join(p.Rules, ", "), p.Input, factsSentence(c, p.Input)),
				Methods:     []string{"TEST"},
				Types:       &[]string{"control-objective"},
				Collected:   gen,
				Subjects:    subject(p.Input),
			})
			obsIDs = append(obsIDs, oscal.RelatedObservation{ObservationUuid: o})
		}
		for _, n := range c.NotApplicable {
			o := addObs(oscal.Observation{
				UUID: uuidOf("not-applicable", ctlID, n.Input), Title: line(c.ID + " not applicable to " + n.Input),
				Description: n.Reason, Methods: []string{"EXAMINE"}, Collected: gen, Subjects: subject(n.Input),
			})
			obsIDs = append(obsIDs, oscal.RelatedObservation{ObservationUuid: o})
		}
		for _, n := range c.Errors {
			o := addObs(oscal.Observation{
				UUID: uuidOf("error", n.Input, n.Reason), Title: line(n.Input + " could not be analysed"),
				Description: n.Reason, Methods: []string{"TEST"}, Collected: gen, Subjects: subject(n.Input),
			})
			obsIDs = append(obsIDs, oscal.RelatedObservation{ObservationUuid: o})
		}
		state, reason := "satisfied", "pass"
		switch c.Status {
		case Fail:
			state, reason = "not-satisfied", "fail"
		case Error:
			state, reason = "not-satisfied", "other"
		case NotApplicable:
			reason = "other"
		}
		f := oscal.Finding{
			UUID:        uuidOf("control", scanKey, ctlID),
			Title:       line(c.ID + " " + c.Title + ": " + string(c.Status)),
			Description: c.Reason,
			Target: oscal.FindingTarget{
				Type:     "objective-id",
				TargetId: ctlID,
				Title:    line(c.ID + " " + c.Title),
				Status:   oscal.ObjectiveStatus{State: state, Reason: reason, Remarks: c.Reason},
			},
			Props:   props("status", string(c.Status), "automation", c.Automation, "rules", strings.Join(c.Rules, " ")),
			Remarks: c.Review,
		}
		if len(obsIDs) > 0 {
			f.RelatedObservations = &obsIDs
		}
		if len(riskIDs) > 0 {
			f.RelatedRisks = &riskIDs
		}
		findings = append(findings, f)
	}

	result := oscal.Result{
		UUID:        uuidOf("result", scanKey),
		Title:       line("hardline assessment against " + fw.Title),
		Description: fmt.Sprintf("Static assessment of %d inputs with hardline %s: %d controls pass, %d pass with waivers, %d fail, %d could not be assessed because of input errors, %d are not applicable and %d need manual review.", rep.Summary.Inputs, rep.Tool.Version, rep.Summary.Pass, rep.Summary.PassWithWaivers, rep.Summary.Fail, rep.Summary.Error, rep.Summary.NotApplicable, rep.Summary.Manual),
		Start:       gen,
		End:         &gen,
		ReviewedControls: oscal.ReviewedControls{
			ControlSelections: []oscal.AssessedControls{{IncludeControls: &selected}},
		},
		Props: props("result", string(rep.Summary.Result)),
	}
	if len(observations) > 0 {
		result.Observations = &observations
	}
	if len(findings) > 0 {
		result.Findings = &findings
	}
	if len(risks) > 0 {
		result.Risks = &risks
	}
	ar := &oscal.AssessmentResults{
		UUID: uuidOf("assessment-results", scanKey),
		Metadata: oscal.Metadata{
			Title:        line("Compliance assessment: " + fw.Title),
			LastModified: gen,
			Version:      orUnknown(rep.Tool.Version),
			OscalVersion: OSCALVersion,
			Props:        props("tool", rep.Tool.Name, "tool-version", rep.Tool.Version, "tool-commit", rep.Tool.Commit, "rules-version", rep.Tool.RulesVersion, "framework", fw.ID, "catalog-digest", fw.CatalogDigest),
		},
		ImportAp:   oscal.ImportAp{Href: "#" + planUUID},
		Results:    []oscal.Result{result},
		BackMatter: &oscal.BackMatter{Resources: &resources},
	}
	return &oscal.OscalCompleteSchema{AssessmentResults: ar}
}

func factsSentence(c ControlResult, input string) string {
	for _, f := range c.Facts {
		if f.Input != input {
			continue
		}
		var kv []string
		for _, x := range f.Facts {
			kv = append(kv, x.Name+" = "+x.Value)
		}
		return " Facts: " + strings.Join(kv, "; ") + "."
	}
	return ""
}

func orUnknown(s string) string {
	if strings.TrimSpace(s) == "" {
		return "unknown"
	}
	return s
}

func writeOSCAL(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(BuildOSCAL(rep))
}
