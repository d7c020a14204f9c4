package compliance

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/defenseunicorns/go-oscal/src/pkg/validation"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/hardline-dev/hardline/pkg/internal/schematest"

	"github.com/hardline-dev/hardline/pkg/controls"
	"github.com/hardline-dev/hardline/pkg/finding"
)

var update = flag.Bool("update", false, "rewrite docs/schema/compliance-report.v1.json")

const (
	schemaPath = "../../docs/schema/compliance-report.v1.json"
	schemaID   = "https://hardline.dev/schema/compliance-report.v1.json"
)

// hostile carries markup and Markdown in every attacker-controlled place: a
// Dockerfile path, a message, waiver fields, an image name.
const hostile = `<script>alert(1)</script>|*x*`

// richRules give one report every status: HL1007 and HL1012 check images
// only, HL2007 evidences 5.27 on images only.
func richRules() []finding.Rule {
	rules := testRules()
	rules[1].Inputs = []string{"image"}
	rules[3].Controls = []finding.Control{ctl("cis-docker-1.6.0", "4.6")}
	return append(rules,
		finding.Rule{ID: "HL1012", Name: "world-writable", Severity: finding.Medium, Inputs: []string{"image"}, Enabled: true,
			Controls: []finding.Control{ctl("cis-docker-1.6.0", "4.3")}},
		finding.Rule{ID: "HL2007", Name: "image-healthcheck", Severity: finding.Low, Inputs: []string{"image"}, Enabled: true,
			Controls: []finding.Control{ctl("cis-docker-1.6.0", "5.27")}})
}

// richReport has every status and every kind of evidence.
func richReport(t *testing.T) *Report {
	t.Helper()
	dfName := "svc/" + hostile + "/Dockerfile"
	img := "oci:layout:" + hostile
	waived := imageFinding("HL1007", img, 4, "/app/.env")
	waived.Suppressed = &finding.Suppression{Kind: "config", Reason: "rotated " + hostile, Source: ".hardline.yaml", Owner: "sec@" + hostile, Expires: "2026-06-30"}
	waived.Message = "token in ENV " + hostile
	expired := dockerfileFinding("HL1001", dfName, 2, &finding.Suppression{Kind: "inline", Reason: "temporary", Source: dfName + ":1", Owner: "ops", Expires: "2025-12-31"})
	inputs := []Scanned{
		{Input: Input{Kind: KindDockerfile, Name: dfName, SHA256: strings.Repeat("ab", 32), Facts: map[string]string{"user": hostile, "healthcheck": "none"}},
			Findings: []finding.Finding{expired}},
		{Input: Input{Kind: KindImage, Name: img, Digest: "sha256:" + strings.Repeat("cd", 32), Conditions: []string{controls.CondNoHealthcheckField}, Facts: map[string]string{"user": "10001"}},
			Findings: []finding.Finding{imageFinding("HL1011", img, 2, "/usr/bin/"+hostile), waived}},
		{Input: Input{Kind: KindDockerfile, Name: "broken/Dockerfile", Errors: []string{"broken/Dockerfile:3: unknown instruction " + hostile}}},
	}
	return assess(t, "cis-docker-1.6.0", richRules(), inputs...)
}

func render(t *testing.T, format string, rep *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, rep); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

func TestRichReportStatuses(t *testing.T) {
	rep := richReport(t)
	want := map[string]Status{"4.1": Fail, "4.10": PassWithWaivers, "4.8": Fail, "4.3": Pass, "4.6": Error, "4.4": Manual, "5.27": NotApplicable}
	for id, st := range want {
		if c := row(t, rep, id); c.Status != st {
			t.Errorf("%s = %s, want %s (%s)", id, c.Status, st, c.Reason)
		}
	}
	for _, st := range Statuses {
		if rep.Summary.Count(st) == 0 {
			t.Errorf("the rich report has no %s control", st)
		}
	}
}

func TestDeterministicOutput(t *testing.T) {
	for _, format := range Formats() {
		a := render(t, format, richReport(t))
		b := render(t, format, richReport(t))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renderings of the same input differ", format)
		}
	}
}

func TestHTMLEscapesInputText(t *testing.T) {
	out := string(render(t, FormatHTML, richReport(t)))
	if strings.Contains(out, "<script>") {
		t.Fatal("HTML report contains a raw <script> from scanned input")
	}
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("escaped input text is missing: the hostile path should still be shown")
	}
	for _, want := range []string{`<table id="summary-table">`, "<caption>", `scope="col"`, "@media print", "page-break-before", "PASS_WITH_WAIVERS", "EXPIRED"} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	// Self-contained: nothing fetched, nothing executed.
	for _, bad := range []string{"<script", "<link", "src=", "@import", "url(", "http-equiv"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML contains %q: the report must be self-contained and need no script", bad)
		}
	}
}

func TestMarkdownEscapesInputText(t *testing.T) {
	out := string(render(t, FormatMarkdown, richReport(t)))
	if strings.Contains(out, "<script>") || strings.Contains(out, "|*x*") {
		t.Error("Markdown report lets input text break out of its cell or inject markup")
	}
	if !strings.Contains(out, `&lt;script&gt;alert(1)&lt;/script&gt;\|\*x\*`) {
		t.Error("escaped hostile text missing from Markdown")
	}
	// Every table row of the controls table has exactly six pipes.
	inControls := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "| Control | Title |"):
			inControls = true
		case inControls && l == "":
			inControls = false
		case inControls:
			if n := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|"); n != 6 {
				t.Errorf("controls row has %d cell separators: %s", n, l)
			}
		}
	}
}

// The formats carry the same content: every control, status, finding
// location, waiver owner and input digest of the JSON appears in MD and HTML.
func TestFormatsCarrySameContent(t *testing.T) {
	rep := richReport(t)
	mdOut := string(render(t, FormatMarkdown, rep))
	htmlOut := string(render(t, FormatHTML, rep))
	var probes []string
	for _, c := range rep.Controls {
		probes = append(probes, c.ID, string(c.Status), c.Title)
		for _, e := range append(c.Findings, c.Waivers...) {
			probes = append(probes, e.RuleID)
			if e.Waiver != nil {
				probes = append(probes, e.Waiver.Expires, e.Waiver.Kind)
			}
		}
	}
	for _, in := range rep.Inputs {
		probes = append(probes, inputDigest(in))
	}
	probes = append(probes, rep.Tool.RulesVersion, rep.Tool.Version, rep.Framework.CatalogDigest, "2026-03-14T09:26:53Z")
	for _, p := range probes {
		if !strings.Contains(mdOut, md(p)) {
			t.Errorf("Markdown lacks %q", p)
		}
		if !strings.Contains(htmlOut, htmlText(p)) {
			t.Errorf("HTML lacks %q", p)
		}
	}
}

func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func TestOSCALValidatesAgainstSchema(t *testing.T) {
	for name, rep := range map[string]*Report{
		"rich":      richReport(t),
		"empty":     assess(t, "nist-800-190", testRules()),
		"all-pass":  assess(t, "nist-800-190", testRules(), Scanned{Input: Input{Kind: KindDockerfile, Name: "Dockerfile", SHA256: "00"}}),
		"cis-1.7.0": assess(t, "cis-docker-1.7.0", testRules(), Scanned{Input: Input{Kind: KindImage, Name: "app.tar"}, Findings: []finding.Finding{imageFinding("HL1011", "app.tar", 1, "/bin/x")}}),
	} {
		t.Run(name, func(t *testing.T) {
			out := render(t, FormatOSCAL, rep)
			v, err := validation.NewValidatorDesiredVersion(out, OSCALVersion)
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Validate(); err != nil {
				res, _ := v.GetValidationResult()
				b, _ := json.MarshalIndent(res.Errors, "", " ")
				t.Fatalf("OSCAL %s invalid: %v\n%s", OSCALVersion, err, b)
			}
		})
	}
	// The validator is not a rubber stamp: a document without its import-ap
	// or with a non-token control id is rejected.
	out := render(t, FormatOSCAL, richReport(t))
	for name, broken := range map[string][]byte{
		"no import-ap":   bytes.Replace(out, []byte(`"import-ap"`), []byte(`"import-xx"`), 1),
		"bad control-id": bytes.Replace(out, []byte(`"control-id": "cis-docker-1.6.0-4.1"`), []byte(`"control-id": "4.1 x"`), 1),
		"bad uuid":       regexp.MustCompile(`"uuid": "[0-9a-f-]{36}"`).ReplaceAll(out, []byte(`"uuid": "not-a-uuid"`)),
	} {
		if bytes.Equal(broken, out) {
			t.Fatalf("%s: mutation did not apply", name)
		}
		v, err := validation.NewValidatorDesiredVersion(broken, OSCALVersion)
		if err == nil && v.Validate() == nil {
			t.Errorf("%s: broken document accepted", name)
		}
	}
}

// A schema-valid document could still say the wrong thing: check the mapping.
func TestOSCALMapping(t *testing.T) {
	rep := richReport(t)
	doc := BuildOSCAL(rep).AssessmentResults
	res := doc.Results[0]
	byTarget := map[string]string{}
	for _, f := range *res.Findings {
		byTarget[f.Target.TargetId] = f.Target.Status.State
	}
	for id, want := range map[string]string{"4.1": "not-satisfied", "4.10": "satisfied", "4.3": "satisfied", "4.6": "not-satisfied", "4.8": "not-satisfied", "5.27": "satisfied"} {
		if got := byTarget["cis-docker-1.6.0-"+id]; got != want {
			t.Errorf("finding for %s: %q, want %q", id, got, want)
		}
	}
	if _, ok := byTarget["cis-docker-1.6.0-4.4"]; ok {
		t.Error("a MANUAL control must not get a finding: hardline did not assess it")
	}
	if n := len(*res.ReviewedControls.ControlSelections[0].IncludeControls); n != len(rep.Controls) {
		t.Errorf("%d reviewed controls, want %d", n, len(rep.Controls))
	}
	status := map[string]int{}
	for _, r := range *res.Risks {
		status[r.Status]++
		if r.Status == "deviation-approved" && (r.Deadline == nil || r.Deadline.Format("2006-01-02") != "2026-06-30") {
			t.Errorf("waiver risk deadline %v, want the expiry day", r.Deadline)
		}
	}
	// Open: expired waiver (HL1001) and the setuid finding; approved: the
	// waived secret.
	if status["open"] != 2 || status["deviation-approved"] != 1 {
		t.Errorf("risk statuses %v", status)
	}
	// UUIDs are unique within the document and stable across renderings.
	re := regexp.MustCompile(`"uuid": "([0-9a-f-]{36})"`)
	out := string(render(t, FormatOSCAL, rep))
	seen := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		if seen[m[1]] {
			t.Errorf("uuid %s used twice", m[1])
		}
		seen[m[1]] = true
		if m[1][14] != '5' {
			t.Errorf("uuid %s is not version 5", m[1])
		}
	}
	if len(seen) < 10 {
		t.Errorf("only %d uuids", len(seen))
	}
	// A different scan time is a different assessment.
	other := richReport(t)
	other.Generated = other.Generated.Add(1)
	other.Generated = other.Generated.Add(3600e9)
	if BuildOSCAL(other).AssessmentResults.UUID == doc.UUID {
		t.Error("document uuid does not depend on the assessment")
	}
}

func TestWriteRejectsUnknownFormat(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "pdf", richReport(t)); err == nil {
		t.Error("unknown format accepted")
	}
	if err := Write(&bytes.Buffer{}, FormatJSON, nil); err == nil {
		t.Error("nil report accepted")
	}
}

// schemaSpec is the published schema: the root type, with descriptions
// from the Go doc comments of this package and of the packages whose types
// it embeds.
var schemaSpec = schematest.Spec{
	Value:   &Report{},
	Package: "github.com/hardline-dev/hardline/pkg/compliance",
	Dirs:    []string{"."},
	ID:      schemaID,
	Title:   "hardline compliance report (" + SchemaVersion + ")",
	Path:    schemaPath,
}

func TestSchemaUpToDate(t *testing.T) {
	schematest.UpToDate(t, schemaSpec, *update, "./pkg/compliance")
}

func TestJSONValidatesAgainstSchema(t *testing.T) {
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sdoc, err := sjs.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := sjs.NewCompiler()
	if err := c.AddResource(schemaID, sdoc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaID)
	if err != nil {
		t.Fatal(err)
	}
	for name, rep := range map[string]*Report{"rich": richReport(t), "empty": assess(t, "nist-800-190", nil)} {
		v, err := sjs.UnmarshalJSON(bytes.NewReader(render(t, FormatJSON, rep)))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s report does not validate: %v", name, err)
		}
	}
	// The schema is strict enough to catch a wrong type.
	bad, _ := sjs.UnmarshalJSON(strings.NewReader(`{"schema_version": 1}`))
	if sch.Validate(bad) == nil {
		t.Error("schema accepts a broken document")
	}
}
