package ruledoc

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/policy"
)

func testRules() []finding.Rule {
	return []finding.Rule{
		{
			ID: "HL1002", Name: "shell-pipe", Title: "Pipe | to shell", Severity: finding.Medium,
			Tags: []string{"supply-chain"}, Inputs: []string{"dockerfile"}, Enabled: false,
			Description: "Piping downloads into a shell runs unverified code.",
		},
		{
			ID: "HL1001", Name: "run-as-root", Title: "Final image runs as root", Severity: finding.High,
			Tags: []string{"user", "privilege"}, Inputs: []string{"dockerfile"}, Enabled: true,
			Controls: []finding.Control{
				{Framework: "cis-docker-1.6.0", ID: "4.1"},
				{Framework: "nist-800-190", ID: "4.1.1"},
				{Framework: "nist-800-190", ID: "4.1.2"},
			},
			Description: "Root in the container is close to root on the host.",
			Remediation: "Add `USER 10001`.",
		},
	}
}

var testExamples = map[string]policy.Examples{
	"HL1001": {Bad: "FROM alpine", Good: "FROM alpine\n# ``` inside\nUSER 10001"},
}

func TestGenerate(t *testing.T) {
	files, err := Generate(testRules(), policy.Tags(), WithExamples(testExamples))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	if want := []string{"HL1001.md", "HL1002.md", "README.md"}; !slices.Equal(names, want) {
		t.Fatalf("files = %v, want %v", names, want)
	}

	page := string(files["HL1001.md"])
	for _, want := range []string{
		"<!-- Code generated",
		"# HL1001: Final image runs as root\n",
		"| Name | `run-as-root` |",
		"| Severity | high |",
		"| Tags | [user](README.md#tag-user), [privilege](README.md#tag-privilege) |",
		"| Inputs | dockerfile |",
		"| Enabled by default | yes |",
		"| Controls | cis-docker-1.6.0: 4.1<br>nist-800-190: 4.1.1, 4.1.2 |",
		"## What and why\n\nRoot in the container is close to root on the host.\n",
		"## How to fix\n\nAdd `USER 10001`.\n",
		"Flagged:\n\n```dockerfile\nFROM alpine\n```\n",
		// The good example contains ``` so its fence must be longer.
		"Not flagged:\n\n````dockerfile\nFROM alpine\n# ``` inside\nUSER 10001\n````\n",
		"# hardline ignore=HL1001 reason=\"…\"",
		"disable: [HL1001]",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("HL1001.md lacks %q:\n%s", want, page)
		}
	}

	off := string(files["HL1002.md"])
	for _, want := range []string{"| Enabled by default | no |", "| Controls | - |", "enable: [HL1002]"} {
		if !strings.Contains(off, want) {
			t.Errorf("HL1002.md lacks %q:\n%s", want, off)
		}
	}
	for _, absent := range []string{"## How to fix", "## Examples"} {
		if strings.Contains(off, absent) {
			t.Errorf("HL1002.md has %q although the metadata has none", absent)
		}
	}
	if !strings.Contains(off, "# HL1002: Pipe | to shell") {
		t.Error("title in heading must not be escaped")
	}

	idx := string(files["README.md"])
	first := strings.Index(idx, "[HL1001](HL1001.md)")
	second := strings.Index(idx, "[HL1002](HL1002.md)")
	if first < 0 || second < first {
		t.Errorf("index must list rules sorted by id:\n%s", idx)
	}
	for _, want := range []string{
		"| [HL1002](HL1002.md) | `shell-pipe` | Pipe \\| to shell | medium |",
		"| *off* |",
		"| <a id=\"tag-user\"></a>`user` | The user the container runs as. | [HL1001](HL1001.md) |",
		"`style` | Readability and maintainability; off by default. | - |",
	} {
		if !strings.Contains(idx, want) {
			t.Errorf("README.md lacks %q:\n%s", want, idx)
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, err := Generate(testRules(), policy.Tags(), WithExamples(testExamples))
	if err != nil {
		t.Fatal(err)
	}
	rev := testRules()
	slices.Reverse(rev)
	for range 10 {
		b, err := Generate(rev, policy.Tags(), WithExamples(testExamples))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatal("output depends on input order or map iteration")
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	rules := testRules()
	rules[1].Tags = append(rules[1].Tags, "spicy")
	if _, err := Generate(rules, policy.Tags()); err == nil || !strings.Contains(err.Error(), `rule HL1001 uses tag "spicy"`) {
		t.Errorf("unknown tag: err = %v", err)
	}
	dup := append(testRules(), testRules()[0])
	if _, err := Generate(dup, policy.Tags()); err == nil || !strings.Contains(err.Error(), "duplicate rule id HL1002") {
		t.Errorf("duplicate: err = %v", err)
	}
	bad := testRules()
	bad[0].ID = "../x"
	if _, err := Generate(bad, policy.Tags()); err == nil {
		t.Error("path-like id accepted")
	}
}

func TestWriteAndCheck(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "docs", "rules")
	files, err := Generate(testRules(), policy.Tags(), WithExamples(testExamples))
	if err != nil {
		t.Fatal(err)
	}

	stale, err := Check(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"HL1001.md", "HL1002.md", "README.md"}; !slices.Equal(stale, want) {
		t.Errorf("before Write: stale = %v, want %v", stale, want)
	}

	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	if stale, err := Check(dir, files); err != nil || len(stale) != 0 {
		t.Errorf("after Write: stale = %v, err = %v", stale, err)
	}

	// A hand edit makes a page stale.
	if err := os.WriteFile(filepath.Join(dir, "HL1001.md"), []byte("edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A hand-written page is none of our business.
	if err := os.WriteFile(filepath.Join(dir, "writing-rules.md"), []byte("# Writing rules\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The page of a removed rule is stale and Write deletes it.
	fewer, err := Generate(testRules()[1:], policy.Tags(), WithExamples(testExamples))
	if err != nil {
		t.Fatal(err)
	}
	stale, err = Check(dir, fewer)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"HL1001.md", "HL1002.md", "README.md"}; !slices.Equal(stale, want) {
		t.Errorf("stale = %v, want %v", stale, want)
	}
	if err := Write(dir, fewer); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "HL1002.md")); !os.IsNotExist(err) {
		t.Errorf("orphaned page not removed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "writing-rules.md")); err != nil {
		t.Errorf("hand-written page removed: %v", err)
	}
	if stale, err := Check(dir, fewer); err != nil || len(stale) != 0 {
		t.Errorf("after second Write: stale = %v, err = %v", stale, err)
	}

	if err := Write(dir, map[string][]byte{"../escape.md": nil}); err == nil {
		t.Error("Write accepted a name outside dir")
	}
}

// TestGenerateBuiltin renders the embedded rules: every builtin rule must
// produce a page.
func TestGenerateBuiltin(t *testing.T) {
	e, err := policy.New(t.Context(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(e.Rules(), policy.Tags(), WithExamples(e.Examples()))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(e.Rules())+1 {
		t.Errorf("%d files for %d rules", len(files), len(e.Rules()))
	}
	if os.Getenv("RULEDOC_DUMP") != "" {
		if err := Write(os.Getenv("RULEDOC_DUMP"), files); err != nil {
			t.Fatal(err)
		}
	}
}
