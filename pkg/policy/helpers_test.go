package policy

import (
	"fmt"
	"strings"
	"testing/fstest"
)

// ruleSpec describes a test rule; zero fields get working defaults so each
// test only spells out what it is about.
type ruleSpec struct {
	pkg      string // last package segment
	id       string
	name     string
	severity string
	tags     string // YAML flow list
	inputs   string
	extra    string // extra lines inside custom:, already indented by 2
	body     string // Rego after the package line
}

func (s ruleSpec) source() string {
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	pkg := def(s.pkg, "r")
	var b strings.Builder
	fmt.Fprintf(&b, `# METADATA
# title: Rule %[1]s
# description: |
#   Why %[1]s matters.
# custom:
#   id: %[2]s
#   name: %[3]s
#   severity: %[4]s
#   tags: %[5]s
#   inputs: %[6]s
#   remediation: Fix it.
`, pkg, def(s.id, "HL1001"), def(s.name, strings.ReplaceAll(pkg, "_", "-")), def(s.severity, "high"), def(s.tags, "[user]"), def(s.inputs, "[dockerfile]"))
	for _, l := range strings.Split(strings.TrimRight(s.extra, "\n"), "\n") {
		if l != "" {
			b.WriteString("#   " + l + "\n")
		}
	}
	fmt.Fprintf(&b, "package hardline.rules.%s\n\n", pkg)
	b.WriteString(def(s.body, `deny contains {"msg": "always"} if true`+"\n"))
	return b.String()
}

// mapFS builds a rule tree from path → source.
func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for p, src := range files {
		m[p] = &fstest.MapFile{Data: []byte(src)}
	}
	return m
}
