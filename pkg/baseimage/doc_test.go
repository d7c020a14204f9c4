package baseimage

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated table in docs/base-images.md")

const (
	docPath    = "../../docs/base-images.md"
	beginTable = "<!-- BEGIN TABLE -->"
	endTable   = "<!-- END TABLE -->"
)

// renderTable renders entries as the Markdown table shipped in the docs.
func renderTable(entries []Entry) string {
	var b strings.Builder
	b.WriteString("| # | Name | Images | Tags | Distro | Family | Libc | Package manager | User | Shell | Runtime |\n")
	b.WriteString("|---|------|--------|------|--------|--------|------|-----------------|------|-------|---------|\n")
	code := func(ps []string) string {
		if len(ps) == 0 {
			return ""
		}
		q := make([]string, len(ps))
		for i, p := range ps {
			q[i] = "`" + strings.ReplaceAll(p, "|", `\|`) + "`"
		}
		return strings.Join(q, " ")
	}
	for i, e := range entries {
		images := code(e.Match.Images)
		if len(e.Match.Registries) > 0 {
			images = strings.TrimSpace(images + " registry " + code(e.Match.Registries))
		}
		shell := ""
		if e.Shell != nil {
			shell = fmt.Sprint(*e.Shell)
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			i+1, e.Name, images, code(e.Match.Tags), e.Distro, e.Family, e.Libc, e.PackageManager, e.User, shell, e.Runtime)
	}
	return b.String()
}

// TestDocTableUpToDate fails when docs/base-images.md does not show the
// shipped knowledge. Regenerate with: go test ./pkg/baseimage -run TestDocTable -update
func TestDocTableUpToDate(t *testing.T) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	start := bytes.Index(doc, []byte(beginTable))
	end := bytes.Index(doc, []byte(endTable))
	if start < 0 || end < start {
		t.Fatalf("%s: missing %s ... %s markers", docPath, beginTable, endTable)
	}
	head := doc[:start+len(beginTable)]
	want := "\n" + renderTable(Default().Entries())
	got := string(doc[len(head):end])
	if got == want {
		return
	}
	if *update {
		out := append(append(append([]byte{}, head...), want...), doc[end:]...)
		if err := os.WriteFile(docPath, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date with knowledge.yaml; run: go test ./pkg/baseimage -run TestDocTable -update", docPath)
}
