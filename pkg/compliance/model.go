// Package compliance turns the findings of one hardline run into a
// per-control assessment against a catalog (pkg/controls) and renders it as
// JSON, Markdown, HTML or OSCAL assessment results.
//
// Assess is a pure function of its Options: the time is passed in, inputs
// and findings keep the caller's order, and every renderer is deterministic,
// so the same scan at the same time gives the same bytes.
package compliance

import "time"

// SchemaVersion identifies the JSON report format
// (docs/schema/compliance-report.v1.json).
const SchemaVersion = "hardline.compliance/v1"

// Status is the result of one control.
type Status string

const (
	// Pass: the control's rules ran on every input they apply to and found
	// nothing.
	Pass Status = "PASS"
	// PassWithWaivers: the only findings are covered by waivers that have
	// not expired (accepted risk).
	PassWithWaivers Status = "PASS_WITH_WAIVERS"
	// Fail: an unwaived finding, or one whose waiver has expired.
	Fail Status = "FAIL"
	// Manual: no rule evidences the control; an auditor decides.
	Manual Status = "MANUAL"
	// NotApplicable: no scanned input is one the control's rules can judge
	// (image-only checks and only Dockerfiles given, an image format without
	// the field the control is about).
	NotApplicable Status = "NOT_APPLICABLE"
	// Error: an input the control's rules apply to could not be analysed,
	// and nothing failed.
	Error Status = "ERROR"
)

// Statuses lists every status in report order.
var Statuses = []Status{Fail, Error, PassWithWaivers, Pass, NotApplicable, Manual}

// Report is a compliance assessment: the JSON format's top level.
type Report struct {
	// SchemaVersion is "hardline.compliance/v1".
	SchemaVersion string    `json:"schema_version"`
	Framework     Framework `json:"framework"`
	// Generated is when the assessment was made (UTC, RFC 3339).
	Generated time.Time `json:"generated"`
	Tool      Tool      `json:"tool"`
	Summary   Summary   `json:"summary"`
	// Inputs are what was scanned, in command-line order.
	Inputs []Input `json:"inputs"`
	// Controls has one entry per catalog control, in catalog order.
	Controls []ControlResult `json:"controls"`
	// Rules are the enabled rules, sorted by id (a rule runs on the inputs of
	// the kinds it declares).
	Rules []Rule `json:"rules"`
}

// Framework names the catalog the assessment is against.
type Framework struct {
	// ID is the framework key (nist-800-190, cis-docker-1.6.0, ...).
	ID          string `json:"id"`
	Title       string `json:"title"`
	Publication string `json:"publication"`
	Source      string `json:"source"`
	// CatalogVersion is the version of hardline's catalog data and
	// CatalogDigest the SHA-256 of the catalog file.
	CatalogVersion int    `json:"catalog_version"`
	CatalogDigest  string `json:"catalog_digest"`
	// Numbering says where the control numbers come from.
	Numbering string `json:"numbering"`
	// EquivalentFramework is the framework whose rule references also count
	// (cis-docker-1.6.0 for cis-docker-1.7.0), "" when none.
	EquivalentFramework string `json:"equivalent_framework,omitempty"`
}

// Tool identifies the hardline build and rule set.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
	// RulesVersion is a digest of the rule files (sha256:…).
	RulesVersion string `json:"rules_version"`
	URI          string `json:"uri,omitempty"`
}

// Summary counts controls by status.
type Summary struct {
	// Result is FAIL when any control failed, ERROR when none failed but an
	// input could not be analysed, else PASS.
	Result          Status `json:"result"`
	Controls        int    `json:"controls"`
	Pass            int    `json:"pass"`
	PassWithWaivers int    `json:"pass_with_waivers"`
	Fail            int    `json:"fail"`
	Manual          int    `json:"manual"`
	NotApplicable   int    `json:"not_applicable"`
	Error           int    `json:"error"`
	// Findings counts unwaived findings on the assessed controls, Waived
	// the waived ones (expired waivers included: they also fail).
	Findings int `json:"findings"`
	Waived   int `json:"waived"`
	Inputs   int `json:"inputs"`
	// InputErrors counts inputs that could not be analysed.
	InputErrors int `json:"input_errors"`
}

// Count returns the number of controls with status s.
func (s Summary) Count(st Status) int {
	switch st {
	case Pass:
		return s.Pass
	case PassWithWaivers:
		return s.PassWithWaivers
	case Fail:
		return s.Fail
	case Manual:
		return s.Manual
	case NotApplicable:
		return s.NotApplicable
	case Error:
		return s.Error
	}
	return 0
}

// Input is one scanned Dockerfile or image.
type Input struct {
	// Kind is "dockerfile" or "image".
	Kind string `json:"kind"`
	// Name is the path or image reference as reported.
	Name string `json:"name"`
	// SHA256 is the hex SHA-256 of a Dockerfile's bytes.
	SHA256 string `json:"sha256,omitempty"`
	// Digest is an image's manifest digest, when known.
	Digest string `json:"digest,omitempty"`
	// ConfigDigest is an image's configuration digest (its image ID),
	// known for every image, docker save archives included.
	ConfigDigest string `json:"config_digest,omitempty"`
	// Facts are a few facts about the input worth showing with results
	// (user, base_image, healthcheck, entrypoint, exposed_ports).
	Facts map[string]string `json:"facts,omitempty"`
	// Conditions make some controls not applicable to this input (see
	// controls.CondNoHealthcheckField).
	Conditions []string `json:"conditions,omitempty"`
	// Errors are why the input could not be (fully) analysed.
	Errors []string `json:"errors,omitempty"`
}

// Rule is a rule that ran.
type Rule struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Title    string   `json:"title"`
	Severity string   `json:"severity"`
	Inputs   []string `json:"inputs"`
	HelpURI  string   `json:"help_uri,omitempty"`
}

// ControlResult is one row: a control and its evidence.
type ControlResult struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Group is the catalog section (e.g. "4.1") and GroupTitle its title.
	Group      string `json:"group"`
	GroupTitle string `json:"group_title"`
	// Risk is the risk section the countermeasure answers (NIST).
	Risk string `json:"risk,omitempty"`
	// Equivalent is the id of the same control in the equivalent framework.
	Equivalent string `json:"equivalent,omitempty"`
	// Automation is full, partial or manual.
	Automation string `json:"automation"`
	Status     Status `json:"status"`
	// Reason explains the status in one sentence.
	Reason string `json:"reason"`
	// Review is what an auditor still checks by hand.
	Review string `json:"review,omitempty"`
	// Rules are the ids of the enabled rules that evidence the control.
	Rules []string `json:"rules"`
	// Findings are the failing findings (unwaived, or with an expired
	// waiver).
	Findings []Evidence `json:"findings"`
	// Waivers are findings accepted as risk (expired ones included, marked).
	Waivers []Evidence `json:"waivers"`
	// Passed lists, per input, the rules that ran on it and found nothing.
	Passed []Passed `json:"passed"`
	// NotApplicable lists inputs the control could not be judged on, why.
	NotApplicable []InputNote `json:"not_applicable"`
	// Errors lists inputs that could not be analysed.
	Errors []InputNote `json:"errors"`
	// Facts are the inputs' facts the control asks for, per input.
	Facts []InputFacts `json:"facts"`
}

// Evidence is one finding with where it is.
type Evidence struct {
	RuleID   string `json:"rule_id"`
	RuleName string `json:"rule_name"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	// Input is the scanned input the finding came from.
	Input string `json:"input"`
	// Location is human-readable: "Dockerfile:12:1", or for an image
	// "app.tar layer 3 (sha256:…) /etc/shadow".
	Location string `json:"location"`
	// File and Line locate a Dockerfile finding (Line 0: whole file).
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Image, Layer, LayerDigest and Path locate an image finding (Layer -1:
	// the configuration).
	Image       string `json:"image,omitempty"`
	Layer       *int   `json:"layer,omitempty"`
	LayerDigest string `json:"layer_digest,omitempty"`
	Path        string `json:"path,omitempty"`
	Fingerprint string `json:"fingerprint"`
	// Waiver is set for waived findings.
	Waiver *Waiver `json:"waiver,omitempty"`
}

// Waiver is an accepted risk: a suppression of the finding.
type Waiver struct {
	// Kind is inline, config, allowlist, baseline or base-image.
	Kind   string `json:"kind"`
	Reason string `json:"reason,omitempty"`
	// Source is where it was declared (".hardline.yaml", "Dockerfile:3").
	Source  string `json:"source,omitempty"`
	Owner   string `json:"owner,omitempty"`
	Expires string `json:"expires,omitempty"`
	// Expired is true when Expires is before the assessment date (or not a
	// date): the finding then fails the control.
	Expired bool `json:"expired"`
}

// Passed says which rules ran on an input and found nothing.
type Passed struct {
	Input string   `json:"input"`
	Rules []string `json:"rules"`
}

// InputNote is a per-input remark (not applicable, error).
type InputNote struct {
	Input  string `json:"input"`
	Reason string `json:"reason"`
}

// InputFacts are the facts of one input a control shows.
type InputFacts struct {
	Input string `json:"input"`
	Facts []Fact `json:"facts"`
}

// Fact is one named fact.
type Fact struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}
