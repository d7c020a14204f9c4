package policy

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// Examples are the optional bad/good snippets of a rule's METADATA, used by
// the doc generator. finding.Rule does not carry them because nothing at
// scan time needs them.
type Examples struct {
	Bad  string `json:"bad,omitempty"`
	Good string `json:"good,omitempty"`
}

// Input kinds a rule can apply to.
const (
	KindDockerfile = "dockerfile"
	KindImage      = "image"
)

var inputKinds = []string{KindDockerfile, KindImage}

// Frameworks are the compliance frameworks rules may reference in controls.
var frameworks = []string{"cis-docker-1.6.0", "cis-docker-1.7.0", "nist-800-190"}

var (
	idPattern   = regexp.MustCompile(`^[A-Z]{2,8}[0-9]{3,5}$`)
	namePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
)

var knownCustomKeys = []string{"controls", "enabled", "examples", "id", "inputs", "name", "remediation", "severity", "tags"}

// ruleMeta is a validated rule's metadata.
type ruleMeta struct {
	rule     finding.Rule
	examples Examples
	module   *sourceModule
	idLoc    string // "file:line" of the id key, for duplicate reports
}

// metaReader collects problems for one METADATA block, each attributed to
// the comment line holding the offending key when it can be found.
type metaReader struct {
	sm       *sourceModule
	ann      *ast.Annotations
	problems []string
	warnings []string
}

// keyLine finds the line of "key:" inside the METADATA block. OPA only keeps
// the block's start location, and pointing authors at the exact line is
// worth a scan of the (short) comment list.
func (r *metaReader) keyLine(key string) string {
	file := r.sm.name
	if r.ann == nil || r.ann.Location == nil {
		return locString(r.sm.mod.Package.Location)
	}
	start := r.ann.Location.Row
	var end int
	if r.sm.mod.Package.Location != nil {
		end = r.sm.mod.Package.Location.Row
	}
	if key != "" {
		re := regexp.MustCompile(`^\s*` + regexp.QuoteMeta(key) + `\s*:`)
		for _, c := range r.sm.mod.Comments {
			if c.Location == nil || c.Location.Row < start || (end > 0 && c.Location.Row > end) {
				continue
			}
			if re.Match(c.Text) {
				return fmt.Sprintf("%s:%d", file, c.Location.Row)
			}
		}
	}
	return fmt.Sprintf("%s:%d", file, start)
}

func (r *metaReader) errorf(key, format string, args ...any) {
	r.problems = append(r.problems, r.keyLine(key)+": "+fmt.Sprintf(format, args...))
}

// softf is an error for builtin rules and a warning for custom rules: the
// vocabulary may grow, and a custom rule set written for a newer hardline
// should still load.
func (r *metaReader) softf(key, format string, args ...any) {
	msg := r.keyLine(key) + ": " + fmt.Sprintf(format, args...)
	if r.sm.builtin {
		r.problems = append(r.problems, msg)
	} else {
		r.warnings = append(r.warnings, msg)
	}
}

func (r *metaReader) str(m map[string]any, key string, required bool) string {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			r.errorf("", "METADATA custom.%s is required", key)
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		r.errorf(key, "METADATA custom.%s must be a string, got %s", key, typeName(v))
		return ""
	}
	return s
}

func (r *metaReader) strList(m map[string]any, key string) []string {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		if s, isStr := v.(string); isStr { // "tags: user" is a common slip
			return []string{s}
		}
		r.errorf(key, "METADATA custom.%s must be a list of strings, got %s", key, typeName(v))
		return nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			r.errorf(key, "METADATA custom.%s must contain only strings, got %s (quote it)", key, typeName(e))
			return nil
		}
		out = append(out, s)
	}
	return out
}

// extractMeta reads and validates the package-scoped METADATA block and the
// deny rule of a rule module.
func extractMeta(sm *sourceModule) (ruleMeta, []string, []string) {
	r := &metaReader{sm: sm}
	for _, a := range sm.mod.Annotations {
		if a.Scope == "package" {
			r.ann = a
			break
		}
	}
	pkgLoc := locString(sm.mod.Package.Location)
	if r.ann == nil {
		hint := ""
		if len(sm.mod.Annotations) > 0 {
			hint = " (a METADATA block is present but not package-scoped: put it directly above the package line)"
		}
		return ruleMeta{}, []string{pkgLoc + ": missing package METADATA block" + hint}, nil
	}
	checkDeny(r)

	out := ruleMeta{module: sm}
	rule := &out.rule
	rule.Title = strings.TrimSpace(r.ann.Title)
	rule.Description = strings.TrimSpace(r.ann.Description)
	rule.File = sm.name
	rule.Builtin = sm.builtin
	rule.Package = sm.mod.Package.Path.String()
	if rule.Title == "" {
		r.errorf("", "METADATA title is required")
	}
	if rule.Description == "" {
		r.softf("", "METADATA description is missing")
	}

	c := r.ann.Custom
	if c == nil {
		r.errorf("", "METADATA custom section is required (id, name, severity, tags, inputs)")
		return out, r.problems, r.warnings
	}
	for _, k := range slices.Sorted(maps.Keys(c)) {
		if !slices.Contains(knownCustomKeys, k) {
			r.softf(k, "unknown METADATA key custom.%s (known: %s)", k, strings.Join(knownCustomKeys, ", "))
		}
	}

	rule.ID = r.str(c, "id", true)
	if rule.ID != "" && !idPattern.MatchString(rule.ID) {
		r.errorf("id", "rule id %q does not match %s", rule.ID, idPattern)
	}
	out.idLoc = r.keyLine("id")

	rule.Name = r.str(c, "name", true)
	if rule.Name != "" && !namePattern.MatchString(rule.Name) {
		r.errorf("name", "rule name %q must be lower-case kebab-case", rule.Name)
	}

	if sev := r.str(c, "severity", true); sev != "" {
		s, err := finding.ParseSeverity(sev)
		if err != nil || s > finding.Critical || sev != strings.ToLower(sev) {
			r.errorf("severity", "invalid severity %q (want info, low, medium, high or critical)", sev)
		}
		rule.Severity = s
	}

	rule.Tags = r.strList(c, "tags")
	if len(rule.Tags) == 0 {
		r.softf("tags", "METADATA custom.tags is empty")
	}
	for _, t := range rule.Tags {
		if !IsKnownTag(t) {
			r.softf("tags", "unknown tag %q (see policy.Tags for the vocabulary)", t)
		}
	}
	rule.Tags = slices.Compact(slices.Sorted(slices.Values(rule.Tags)))

	rule.Inputs = r.strList(c, "inputs")
	if _, ok := c["inputs"]; !ok {
		r.errorf("", "METADATA custom.inputs is required (dockerfile and/or image)")
	}
	for _, in := range rule.Inputs {
		if !slices.Contains(inputKinds, in) {
			r.errorf("inputs", "unknown input kind %q (want %s)", in, strings.Join(inputKinds, " or "))
		}
	}
	rule.Inputs = slices.Compact(slices.Sorted(slices.Values(rule.Inputs)))

	rule.Enabled = true
	if v, ok := c["enabled"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			r.errorf("enabled", "METADATA custom.enabled must be true or false, got %s", typeName(v))
		}
		rule.Enabled = b
	}

	rule.Controls = r.controls(c["controls"])

	rule.Remediation = strings.TrimSpace(r.str(c, "remediation", false))
	if rule.Remediation == "" {
		r.softf("", "METADATA custom.remediation is missing")
	}

	if v, ok := c["examples"]; ok && v != nil {
		m, isMap := v.(map[string]any)
		if !isMap {
			r.errorf("examples", "METADATA custom.examples must be a map with bad and/or good, got %s", typeName(v))
		} else {
			for _, k := range slices.Sorted(maps.Keys(m)) {
				if k != "bad" && k != "good" {
					r.softf(k, "unknown key custom.examples.%s (want bad, good)", k)
				}
			}
			out.examples.Bad = strings.TrimRight(r.str(m, "bad", false), "\n")
			out.examples.Good = strings.TrimRight(r.str(m, "good", false), "\n")
		}
	}

	if rule.Builtin && rule.ID != "" {
		rule.HelpURI = finding.DocsBaseURL + rule.ID + ".md"
	}
	return out, r.problems, r.warnings
}

func (r *metaReader) controls(v any) []finding.Control {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		r.errorf("controls", "METADATA custom.controls must map a framework to a list of control ids, got %s", typeName(v))
		return nil
	}
	var out []finding.Control
	// Map order is random; sort frameworks, keep the author's id order.
	for _, fw := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(frameworks, fw) {
			r.errorf(fw, "unknown control framework %q (want %s)", fw, strings.Join(frameworks, ", "))
			continue
		}
		ids := r.strList(m, fw)
		if len(ids) == 0 {
			r.errorf(fw, "control framework %s lists no control ids", fw)
		}
		for _, id := range ids {
			if strings.TrimSpace(id) == "" {
				r.errorf(fw, "empty control id for %s", fw)
				continue
			}
			out = append(out, finding.Control{Framework: fw, ID: id})
		}
	}
	return out
}

// checkDeny requires a partial set rule named deny in the module.
func checkDeny(r *metaReader) {
	denyRef := ast.Ref{ast.VarTerm("deny")}
	found := false
	for _, rule := range r.sm.mod.Rules {
		if !rule.Head.Ref().Equal(denyRef) {
			continue
		}
		found = true
		if rule.Head.RuleKind() != ast.MultiValue {
			r.problems = append(r.problems, fmt.Sprintf("%s: deny must be a partial set: deny contains {\"msg\": ...} if { ... }", locString(rule.Location)))
			return
		}
	}
	if !found {
		r.problems = append(r.problems, fmt.Sprintf("%s: rule package %s defines no deny set", locString(r.sm.mod.Package.Location), packageName(r.sm.mod)))
	}
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	case float64, int, int64, uint64:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}
