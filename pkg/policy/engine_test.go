package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/hardline-dev/hardline/pkg/finding"
)

const runAsRoot = `# METADATA
# title: Final image runs as root
# description: |
#   A process running as root in the container is root on the host
#   if it escapes.
# custom:
#   id: HL1001
#   name: run-as-root
#   severity: high
#   tags: [user, privilege]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.2"]
#     cis-docker-1.6.0: ["4.1"]
#   remediation: |
#     Add a USER instruction with a non-zero UID.
#   examples:
#     bad: |
#       FROM alpine
#     good: |
#       FROM alpine
#       USER 10001
package hardline.rules.run_as_root

import data.hardline.lib.users

deny contains {"msg": "final stage runs as root", "location": s.location, "stage": i, "key": "root"} if {
	some i, s in input.stages
	s.is_final
	users.is_root(object.get(s, ["runtime", "user"], ""))
}
`

const usersLib = `package hardline.lib.users

is_root(u) if u == ""

is_root(u) if u == "root"

is_root(u) if u == "0"
`

func goodFS() map[string]string {
	return map[string]string{
		"run_as_root.rego": runAsRoot,
		"lib/users.rego":   usersLib,
		"run_as_root_test.rego": `package hardline.rules.run_as_root_test

import data.hardline.rules.run_as_root

test_root if {
	count(run_as_root.deny) == 1 with input as {"stages": [{"is_final": true, "location": {}}]}
}
`,
	}
}

func newEngine(t *testing.T, files map[string]string, mod func(*Options)) *Engine {
	t.Helper()
	opts := Options{Builtin: mapFS(files)}
	if mod != nil {
		mod(&opts)
	}
	e, err := New(context.Background(), opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func loadErr(t *testing.T, opts Options) string {
	t.Helper()
	_, err := New(context.Background(), opts)
	if err == nil {
		t.Fatal("New succeeded, want an error")
	}
	return err.Error()
}

func TestGoodRuleMetadata(t *testing.T) {
	e := newEngine(t, goodFS(), nil)
	want := []finding.Rule{{
		ID:          "HL1001",
		Name:        "run-as-root",
		Title:       "Final image runs as root",
		Description: "A process running as root in the container is root on the host\nif it escapes.",
		Severity:    finding.High,
		Tags:        []string{"privilege", "user"},
		Controls: []finding.Control{
			{Framework: "cis-docker-1.6.0", ID: "4.1"},
			{Framework: "nist-800-190", ID: "4.1.2"},
		},
		Remediation: "Add a USER instruction with a non-zero UID.",
		Inputs:      []string{"dockerfile"},
		Enabled:     true,
		Builtin:     true,
		Package:     "data.hardline.rules.run_as_root",
		File:        "rules/run_as_root.rego",
		HelpURI:     finding.DocsBaseURL + "HL1001.md",
	}}
	if got := e.Rules(); !reflect.DeepEqual(got, want) {
		t.Errorf("Rules() =\n%+v\nwant\n%+v", got, want)
	}
	ex := e.Examples()["HL1001"]
	if ex.Bad != "FROM alpine" || ex.Good != "FROM alpine\nUSER 10001" {
		t.Errorf("examples = %+v", ex)
	}
	if w := e.Warnings(); len(w) != 0 {
		t.Errorf("warnings = %v", w)
	}

	res, err := e.Evaluate(context.Background(), "dockerfile", map[string]any{
		"stages": []any{
			map[string]any{"is_final": false, "location": map[string]any{"start_line": 1}},
			map[string]any{"is_final": true, "location": map[string]any{"start_line": 5, "start_column": 1, "end_line": 5, "end_column": 20}},
		},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 {
		t.Fatalf("got %d results, want 1: %+v", len(res), res)
	}
	r := res[0]
	if r.Rule.ID != "HL1001" || r.Message != "final stage runs as root" || r.Stage != 1 || r.Key != "root" ||
		r.Location != (finding.Location{StartLine: 5, StartColumn: 1, EndLine: 5, EndColumn: 20}) {
		t.Errorf("result = %+v", r)
	}

	// A non-root user clears it.
	res, err = e.Evaluate(context.Background(), "dockerfile", map[string]any{
		"stages": []any{map[string]any{"is_final": true, "runtime": map[string]any{"user": "app"}}},
	}, nil)
	if err != nil || len(res) != 0 {
		t.Errorf("non-root: res=%v err=%v", res, err)
	}
}

func TestRulesSortedByID(t *testing.T) {
	e := newEngine(t, map[string]string{
		"b.rego": ruleSpec{pkg: "b", id: "HL2000"}.source(),
		"a.rego": ruleSpec{pkg: "a", id: "HL3000"}.source(),
		"c.rego": ruleSpec{pkg: "c", id: "AB100"}.source(),
	}, nil)
	var ids []string
	for _, r := range e.Rules() {
		ids = append(ids, r.ID)
	}
	if want := []string{"AB100", "HL2000", "HL3000"}; !slices.Equal(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
}

func TestMetadataErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{
			name:  "missing metadata",
			files: map[string]string{"x.rego": "package hardline.rules.x\n\ndeny contains {\"msg\": \"m\"} if true\n"},
			want:  "rules/x.rego:1: missing package METADATA block",
		},
		{
			name:  "metadata not above package",
			files: map[string]string{"x.rego": "package hardline.rules.x\n\n# METADATA\n# title: T\ndeny contains {\"msg\": \"m\"} if true\n"},
			want:  "put it directly above the package line",
		},
		{
			name:  "missing id",
			files: map[string]string{"x.rego": strings.Replace(ruleSpec{pkg: "x"}.source(), "#   id: HL1001\n", "", 1)},
			want:  "rules/x.rego:1: METADATA custom.id is required",
		},
		{
			name: "duplicate id",
			files: map[string]string{
				"a.rego": ruleSpec{pkg: "a", id: "HL1001"}.source(),
				"b.rego": ruleSpec{pkg: "b", id: "HL1001"}.source(),
			},
			want: "rules/b.rego:6: duplicate rule id HL1001 (also used by rules/a.rego)",
		},
		{
			name: "duplicate name",
			files: map[string]string{
				"a.rego": ruleSpec{pkg: "a", id: "HL1001", name: "same"}.source(),
				"b.rego": ruleSpec{pkg: "b", id: "HL1002", name: "same"}.source(),
			},
			want: "duplicate rule name same",
		},
		{
			name:  "bad id",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", id: "hl-1"}.source()},
			want:  `rules/x.rego:6: rule id "hl-1" does not match`,
		},
		{
			name:  "id with too few digits",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", id: "HL12"}.source()},
			want:  `rule id "HL12" does not match`,
		},
		{
			name:  "bad severity",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", severity: "severe"}.source()},
			want:  `rules/x.rego:8: invalid severity "severe"`,
		},
		{
			name:  "severity none is not a rule severity",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", severity: "none"}.source()},
			want:  `invalid severity "none"`,
		},
		{
			name:  "unknown input kind",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", inputs: "[dockerfile, k8s]"}.source()},
			want:  `rules/x.rego:10: unknown input kind "k8s"`,
		},
		{
			name:  "no inputs",
			files: map[string]string{"x.rego": strings.Replace(ruleSpec{pkg: "x"}.source(), "#   inputs: [dockerfile]\n", "", 1)},
			want:  "custom.inputs is required",
		},
		{
			name:  "package outside hardline.rules",
			files: map[string]string{"x.rego": "package acme.rules.x\n\ndeny contains {\"msg\": \"m\"} if true\n"},
			want:  "rules/x.rego:1: package acme.rules.x is outside hardline.rules.* and hardline.lib.*",
		},
		{
			name:  "missing deny",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", body: "violation contains \"m\" if true\n"}.source()},
			want:  "rules/x.rego:12: rule package hardline.rules.x defines no deny set",
		},
		{
			name:  "deny not a set",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", body: "deny := [{\"msg\": \"m\"}]\n"}.source()},
			want:  "rules/x.rego:14: deny must be a partial set",
		},
		{
			name:  "unknown tag in builtin rule",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", tags: "[user, spicy]"}.source()},
			want:  `rules/x.rego:9: unknown tag "spicy"`,
		},
		{
			name:  "unknown framework",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", extra: "controls:\n  pci-dss: [\"1.1\"]"}.source()},
			want:  `rules/x.rego:13: unknown control framework "pci-dss"`,
		},
		{
			name:  "unquoted control id",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", extra: "controls:\n  cis-docker-1.6.0: [4.1]"}.source()},
			want:  "custom.cis-docker-1.6.0 must contain only strings, got a number (quote it)",
		},
		{
			name:  "unknown custom key in builtin",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", extra: "severty: low"}.source()},
			want:  "rules/x.rego:12: unknown METADATA key custom.severty",
		},
		{
			name:  "enabled not a bool",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", extra: "enabled: sometimes"}.source()},
			want:  "custom.enabled must be true or false",
		},
		{
			name:  "bad name",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", name: "Run_As_Root"}.source()},
			want:  `rule name "Run_As_Root" must be lower-case kebab-case`,
		},
		{
			name: "two files one package",
			files: map[string]string{
				"a.rego": ruleSpec{pkg: "x", id: "HL1001", name: "a"}.source(),
				"b.rego": ruleSpec{pkg: "x", id: "HL1002", name: "b"}.source(),
			},
			want: "rules/b.rego:12: package hardline.rules.x is already defined in rules/a.rego",
		},
		{
			name:  "parse error",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", body: "deny contains {\"msg\": \"m\"} if {\n"}.source()},
			want:  "rules/x.rego:15: unexpected eof token",
		},
		{
			name:  "bad metadata yaml",
			files: map[string]string{"x.rego": "# METADATA\n# title: [unclosed\npackage hardline.rules.x\n"},
			want:  "rules/x.rego:2: yaml:",
		},
		{
			name:  "compile error is attributed",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", body: "deny contains {\"msg\": m} if {\n\tm := undefined_fn(1)\n}\n"}.source()},
			want:  "rules/x.rego:15: undefined function undefined_fn",
		},
		{
			name:  "strict mode",
			files: map[string]string{"x.rego": ruleSpec{pkg: "x", body: "import data.hardline.lib.unused\n\ndeny contains {\"msg\": \"m\"} if true\n"}.source()},
			want:  "rules/x.rego:14: import data.hardline.lib.unused unused",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := loadErr(t, Options{Builtin: mapFS(tt.files)})
			if !strings.Contains(got, tt.want) {
				t.Errorf("error\n%s\ndoes not contain\n%s", got, tt.want)
			}
		})
	}
}

func TestAllProblemsReportedTogether(t *testing.T) {
	_, err := New(context.Background(), Options{Builtin: mapFS(map[string]string{
		"a.rego": ruleSpec{pkg: "a", id: "bad"}.source(),
		"b.rego": ruleSpec{pkg: "b", id: "HL1002", severity: "meh"}.source(),
	})})
	var le *LoadError
	if !errors.As(err, &le) || len(le.Problems) != 2 {
		t.Fatalf("err = %v, want a LoadError with 2 problems", err)
	}
}

func TestSandbox(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"http.send", "deny contains {\"msg\": r.body} if {\n\tr := http.send({\"method\": \"get\", \"url\": \"http://x\"})\n}\n",
			"rules/x.rego:15: builtin http.send is not allowed in hardline rules (network access)"},
		{"net.lookup_ip_addr", "deny contains {\"msg\": \"m\"} if {\n\tnet.lookup_ip_addr(\"example.com\")\n}\n",
			"rules/x.rego:15: builtin net.lookup_ip_addr is not allowed in hardline rules"},
		{"any net builtin", "deny contains {\"msg\": \"m\"} if {\n\tnet.cidr_contains(\"10.0.0.0/8\", \"10.0.0.1\")\n}\n",
			"rules/x.rego:15: builtin net.cidr_contains is not allowed in hardline rules"},
		{"opa.runtime", "deny contains {\"msg\": m} if {\n\tm := sprintf(\"%v\", [opa.runtime()])\n}\n",
			"rules/x.rego:15: builtin opa.runtime is not allowed in hardline rules"},
		{"rego.parse_module", "deny contains {\"msg\": \"m\"} if {\n\trego.parse_module(\"x.rego\", \"package x\")\n}\n",
			"rules/x.rego:15: builtin rego.parse_module is not allowed in hardline rules"},
		{"nested call", "deny contains {\"msg\": m} if {\n\tm := concat(\",\", [http.send({}).body])\n}\n",
			"rules/x.rego:15: builtin http.send is not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := loadErr(t, Options{Builtin: mapFS(map[string]string{"x.rego": ruleSpec{pkg: "x", body: tt.body}.source()})})
			if !strings.Contains(got, tt.want) {
				t.Errorf("error\n%s\ndoes not contain\n%s", got, tt.want)
			}
			// One clear line, not a cascade of compiler errors.
			if strings.Contains(got, "\n") {
				t.Errorf("want a single-line error, got\n%s", got)
			}
		})
	}
	t.Run("in a library", func(t *testing.T) {
		got := loadErr(t, Options{Builtin: mapFS(map[string]string{
			"x.rego":       ruleSpec{pkg: "x"}.source(),
			"lib/net.rego": "package hardline.lib.net\n\nip := net.lookup_ip_addr(\"example.com\")\n",
		})})
		if !strings.Contains(got, "rules/lib/net.rego:3: builtin net.lookup_ip_addr is not allowed") {
			t.Errorf("got %s", got)
		}
	})
	t.Run("time.now_ns is allowed", func(t *testing.T) {
		newEngine(t, map[string]string{"x.rego": ruleSpec{pkg: "x", body: "deny contains {\"msg\": \"m\"} if time.now_ns() > 0\n"}.source()}, nil)
	})
	t.Run("denied list", func(t *testing.T) {
		d := DeniedBuiltins()
		for _, n := range []string{"http.send", "net.lookup_ip_addr", "net.cidr_contains", "opa.runtime", "rego.parse_module"} {
			if !slices.Contains(d, n) {
				t.Errorf("DeniedBuiltins lacks %s", n)
			}
		}
		if slices.Contains(d, "time.now_ns") || slices.Contains(d, "sprintf") {
			t.Errorf("DeniedBuiltins removes too much: %v", d)
		}
	})
}

func TestTimeout(t *testing.T) {
	tests := map[string]string{
		"huge builtin": "deny contains {\"msg\": \"m\"} if {\n\tcount(numbers.range(1, 1e10)) > 0\n}\n",
		"huge join":    "deny contains {\"msg\": \"m\"} if {\n\tsome i in numbers.range(1, 100000)\n\tsome j in numbers.range(1, 100000)\n\ti + j < 0\n}\n",
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEngine(t, map[string]string{
				"a.rego":    ruleSpec{pkg: "a", id: "HL1001"}.source(),
				"slow.rego": ruleSpec{pkg: "slow", id: "HL1002", body: body}.source(),
			}, func(o *Options) { o.Timeout = 100 * time.Millisecond })
			start := time.Now()
			_, err := e.Evaluate(context.Background(), "dockerfile", map[string]any{}, nil)
			if elapsed := time.Since(start); elapsed > 3*time.Second {
				t.Errorf("evaluation took %s, the budget was not enforced", elapsed)
			}
			if !errors.Is(err, ErrTimeout) {
				t.Fatalf("err = %v, want ErrTimeout", err)
			}
			for _, want := range []string{"builtin rules", "HL1002", "rules/slow.rego", "100ms"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

func TestCallerCancellation(t *testing.T) {
	e := newEngine(t, goodFS(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.Evaluate(ctx, "dockerfile", map[string]any{}, nil)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestResultOrderingAndDefaults(t *testing.T) {
	e := newEngine(t, map[string]string{
		"b.rego": ruleSpec{pkg: "b", id: "HL2000", body: `deny contains {"msg": sprintf("b%d", [n]), "location": {"start_line": n, "start_column": 3}} if {
	some n in [9, 2, 10]
}

deny contains {"msg": "b-same-line-z", "location": {"start_line": 2, "start_column": 1}} if true

deny contains {"msg": "b-same-line-a", "location": {"start_line": 2, "start_column": 1}} if true

deny contains {"msg": "b-same-line-a", "location": {"start_line": 2, "start_column": 1}, "key": "k"} if true

# Identical after dropping extra keys: reported once.
deny contains {"msg": "dup", "extra": 1} if true

deny contains {"msg": "dup", "extra": 2} if true
`}.source(),
		"a.rego": ruleSpec{pkg: "a", id: "HL1000", body: `deny contains {"msg": "a", "stage": 0} if true` + "\n"}.source(),
	}, nil)
	for range 5 { // set iteration order must not leak through
		res, err := e.Evaluate(context.Background(), "dockerfile", map[string]any{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range res {
			got = append(got, r.Rule.ID+"|"+r.Message+"|"+r.Key)
		}
		want := []string{
			"HL1000|a|",
			"HL2000|dup|",
			"HL2000|b-same-line-a|",
			"HL2000|b-same-line-a|k",
			"HL2000|b-same-line-z|",
			"HL2000|b2|",
			"HL2000|b9|",
			"HL2000|b10|",
		}
		if !slices.Equal(got, want) {
			t.Fatalf("order =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if res[0].Stage != 0 || res[1].Stage != -1 {
			t.Errorf("stages = %d, %d; want 0 and -1 (absent)", res[0].Stage, res[1].Stage)
		}
	}
}

func TestEnabledFilter(t *testing.T) {
	e := newEngine(t, map[string]string{
		"on.rego":  ruleSpec{pkg: "on", id: "HL1001"}.source(),
		"off.rego": ruleSpec{pkg: "off", id: "HL1002", tags: "[style]", extra: "enabled: false"}.source(),
	}, nil)
	ids := func(enabled func(finding.Rule) bool) []string {
		t.Helper()
		res, err := e.Evaluate(context.Background(), "dockerfile", map[string]any{}, enabled)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range res {
			out = append(out, r.Rule.ID)
		}
		return out
	}
	if got := ids(nil); !slices.Equal(got, []string{"HL1001"}) {
		t.Errorf("default = %v, want only HL1001", got)
	}
	if got := ids(func(finding.Rule) bool { return true }); !slices.Equal(got, []string{"HL1001", "HL1002"}) {
		t.Errorf("all = %v", got)
	}
	if got := ids(func(r finding.Rule) bool { return r.ID == "HL1002" }); !slices.Equal(got, []string{"HL1002"}) {
		t.Errorf("only HL1002 = %v", got)
	}
	if got := ids(func(finding.Rule) bool { return false }); len(got) != 0 {
		t.Errorf("none = %v", got)
	}
	if e.Rules()[1].Enabled {
		t.Error("HL1002 metadata says enabled: false")
	}
}

func TestInputsFilter(t *testing.T) {
	e := newEngine(t, map[string]string{
		"df.rego":   ruleSpec{pkg: "df", id: "HL1001", inputs: "[dockerfile]"}.source(),
		"img.rego":  ruleSpec{pkg: "img", id: "HL1002", inputs: "[image]"}.source(),
		"both.rego": ruleSpec{pkg: "both", id: "HL1003", inputs: "[image, dockerfile]"}.source(),
	}, nil)
	for kind, want := range map[string][]string{
		"dockerfile": {"HL1001", "HL1003"},
		"image":      {"HL1002", "HL1003"},
	} {
		res, err := e.Evaluate(context.Background(), kind, map[string]any{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range res {
			got = append(got, r.Rule.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", kind, got, want)
		}
	}
	if _, err := e.Evaluate(context.Background(), "helm", map[string]any{}, nil); err == nil || !strings.Contains(err.Error(), `unknown input kind "helm"`) {
		t.Errorf("unknown kind: err = %v", err)
	}
}

func TestBadDenyElements(t *testing.T) {
	tests := map[string]struct{ body, want string }{
		"no msg":        {`deny contains {"message": "m"} if true`, `rule HL1009 (rules/x.rego): deny element {"message":"m"} has no msg string`},
		"msg not text":  {`deny contains {"msg": 3} if true`, "has no msg string"},
		"not an object": {`deny contains "m" if true`, `deny element "m" is not an object`},
		"bad location":  {`deny contains {"msg": "m", "location": {"start_line": "3"}} if true`, "location.start_line must be a non-negative integer"},
		"bad stage":     {`deny contains {"msg": "m", "stage": 1.5} if true`, "stage must be a stage index"},
		"bad key":       {`deny contains {"msg": "m", "key": ["a"]} if true`, "key must be a string"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEngine(t, map[string]string{"x.rego": ruleSpec{pkg: "x", id: "HL1009", body: tt.body + "\n"}.source()}, nil)
			_, err := e.Evaluate(context.Background(), "dockerfile", map[string]any{}, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestInputForms(t *testing.T) {
	e := newEngine(t, goodFS(), nil)
	type stage struct {
		IsFinal  bool              `json:"is_final"`
		Location finding.Location  `json:"location"`
		Runtime  map[string]string `json:"runtime,omitempty"`
	}
	type doc struct {
		Stages []stage `json:"stages"`
	}
	typed := &doc{Stages: []stage{{IsFinal: true, Location: finding.Location{StartLine: 3}}}}
	raw, _ := json.Marshal(typed)
	val, err := ast.InterfaceToValue(map[string]any{"stages": []any{map[string]any{"is_final": true, "location": map[string]any{"start_line": 3}}}})
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(raw, &generic); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]any{"struct": typed, "json": raw, "raw message": json.RawMessage(raw), "ast": val, "map": generic} {
		res, err := e.Evaluate(context.Background(), "dockerfile", in, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(res) != 1 || res[0].Location.StartLine != 3 {
			t.Errorf("%s: %+v", name, res)
		}
	}
	if _, err := e.Evaluate(context.Background(), "dockerfile", map[string]any{"c": make(chan int)}, nil); err == nil {
		t.Error("unconvertible input: want an error")
	}
	if _, err := e.Evaluate(context.Background(), "dockerfile", []byte("{not json"), nil); err == nil {
		t.Error("invalid JSON: want an error")
	}
}

func TestExtraDirs(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, src string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("acme_env.rego", ruleSpec{pkg: "acme_env", id: "ACME001", tags: "[secrets, acme-only]", body: `import data.hardline.lib.acme

deny contains {"msg": "no team label"} if not acme.has_team
`}.source())
	write("lib/acme.rego", "package hardline.lib.acme\n\nhas_team if input.labels.team\n")
	// Tests of custom rules are not part of evaluation: this one would not
	// even compile next to the rules in strict mode.
	write("acme_env_test.rego", "package hardline.rules.acme_env_test\n\nimport data.unused\n\ntest_x if false\n")
	write(".git/ignored.rego", "package not.hardline\n")

	e := newEngine(t, goodFS(), func(o *Options) { o.ExtraDirs = []string{dir} })
	rules := e.Rules()
	if len(rules) != 2 || rules[0].ID != "ACME001" || rules[1].ID != "HL1001" {
		t.Fatalf("rules = %+v", rules)
	}
	custom := rules[0]
	if custom.Builtin || custom.HelpURI != "" || custom.File != filepath.Join(dir, "acme_env.rego") {
		t.Errorf("custom rule = %+v", custom)
	}
	if w := e.Warnings(); len(w) != 1 || !strings.Contains(w[0], `acme_env.rego:9: unknown tag "acme-only"`) {
		t.Errorf("warnings = %q", w)
	}
	res, err := e.Evaluate(context.Background(), "dockerfile", map[string]any{"labels": map[string]any{}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Rule.ID != "ACME001" || res[0].Message != "no team label" {
		t.Errorf("results = %+v", res)
	}

	t.Run("only custom", func(t *testing.T) {
		e, err := New(context.Background(), Options{ExtraDirs: []string{dir}, NoBuiltin: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Rules()) != 1 {
			t.Errorf("rules = %+v", e.Rules())
		}
	})
	t.Run("id clash with builtin", func(t *testing.T) {
		d := t.TempDir()
		if err := os.WriteFile(filepath.Join(d, "mine.rego"), []byte(ruleSpec{pkg: "mine", id: "HL1001"}.source()), 0o644); err != nil {
			t.Fatal(err)
		}
		got := loadErr(t, Options{Builtin: mapFS(goodFS()), ExtraDirs: []string{d}})
		if !strings.Contains(got, "duplicate rule id HL1001 (also used by rules/run_as_root.rego)") {
			t.Errorf("got %s", got)
		}
	})
	t.Run("missing dir", func(t *testing.T) {
		got := loadErr(t, Options{NoBuiltin: true, ExtraDirs: []string{filepath.Join(dir, "nope")}})
		if !strings.Contains(got, "nope") {
			t.Errorf("got %s", got)
		}
	})
	t.Run("empty dir", func(t *testing.T) {
		got := loadErr(t, Options{NoBuiltin: true, ExtraDirs: []string{t.TempDir()}})
		if !strings.Contains(got, "no .rego rules found") {
			t.Errorf("got %s", got)
		}
	})
	t.Run("custom rules are sandboxed too", func(t *testing.T) {
		d := t.TempDir()
		src := ruleSpec{pkg: "leak", id: "ACME002", body: "deny contains {\"msg\": \"m\"} if {\n\thttp.send({\"method\": \"get\", \"url\": \"https://evil\"})\n}\n"}.source()
		if err := os.WriteFile(filepath.Join(d, "leak.rego"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		got := loadErr(t, Options{NoBuiltin: true, ExtraDirs: []string{d}})
		if want := filepath.Join(d, "leak.rego") + ":15: builtin http.send is not allowed in hardline rules"; !strings.Contains(got, want) {
			t.Errorf("got %s\nwant %s", got, want)
		}
	})
}

func TestPrint(t *testing.T) {
	files := map[string]string{"x.rego": ruleSpec{pkg: "x", body: "deny contains {\"msg\": \"m\"} if {\n\tprint(\"debugging\", input.n)\n}\n"}.source()}
	var buf bytes.Buffer
	e := newEngine(t, files, func(o *Options) { o.Print = &buf })
	if _, err := e.Evaluate(context.Background(), "dockerfile", map[string]any{"n": 7}, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "debugging 7") {
		t.Errorf("print output = %q", buf.String())
	}
	// Without a writer print is compiled away and the rule still works.
	e = newEngine(t, files, nil)
	res, err := e.Evaluate(context.Background(), "dockerfile", map[string]any{"n": 7}, nil)
	if err != nil || len(res) != 1 {
		t.Errorf("res=%v err=%v", res, err)
	}
}

func TestTags(t *testing.T) {
	tags := Tags()
	if len(tags) != 16 {
		t.Errorf("got %d tags, want 16", len(tags))
	}
	if !slices.IsSortedFunc(tags, func(a, b Tag) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("tag vocabulary must be sorted (IsKnownTag binary-searches it)")
	}
	for _, tg := range tags {
		if !IsKnownTag(tg.Name) || tg.Description == "" {
			t.Errorf("tag %+v", tg)
		}
	}
	if IsKnownTag("users") {
		t.Error("IsKnownTag(users)")
	}
	tags[0].Name = "mutated"
	if Tags()[0].Name == "mutated" {
		t.Error("Tags returns the internal slice")
	}
}

// TestConcurrentEvaluate shares one engine between goroutines, as a CLI
// scanning many files does; run with -race.
func TestConcurrentEvaluate(t *testing.T) {
	e := newEngine(t, goodFS(), nil)
	in := map[string]any{"stages": []any{map[string]any{"is_final": true, "location": map[string]any{"start_line": 2}}}}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for range 20 {
				res, err := e.Evaluate(context.Background(), KindDockerfile, in, nil)
				if err == nil && len(res) != 1 {
					err = errors.New("wrong result count")
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
