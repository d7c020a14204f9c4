package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hardline-dev/hardline/pkg/report"
	"github.com/hardline-dev/hardline/rules"
)

// Set with -ldflags "-X main.version=... -X main.commit=..." by the Makefile.
var (
	version = "dev"
	commit  = ""
)

func toolInfo() report.Tool {
	v, c := version, commit
	bi, ok := debug.ReadBuildInfo()
	if c == "" && ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				c = s.Value
			}
		}
	}
	// `go install github.com/hardline-dev/hardline/cmd/hardline@v1.2.3` (the
	// GitHub Action, pre-commit) sets no ldflags, but the module version is
	// recorded in the binary.
	if v == "dev" && ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return report.Tool{
		Name:           "hardline",
		Version:        v,
		Commit:         c,
		RulesVersion:   rulesVersion(),
		InformationURI: "https://github.com/hardline-dev/hardline",
	}
}

// rulesVersion is a digest of the embedded rule files, so a report says
// exactly which rule set produced it even for development builds.
func rulesVersion() string {
	h := sha256.New()
	for _, n := range ruleFiles() {
		b, _ := fs.ReadFile(rules.FS, n)
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:12]
}

func ruleFiles() []string {
	var names []string
	_ = fs.WalkDir(rules.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	return names
}

// builtinRuleCount counts the embedded rules by the repository's convention
// of one rule per top-level .rego file (tests and rules/lib/ are not rules).
// Counting files keeps `hardline version` instant; a test checks the count
// against what the policy engine loads.
func builtinRuleCount() int {
	n := 0
	for _, f := range ruleFiles() {
		if path.Dir(f) == "." && strings.HasSuffix(f, ".rego") && !strings.HasSuffix(f, "_test.rego") {
			n++
		}
	}
	return n
}

// versionInfo is `hardline version --format json`; the field names are an
// interface (scripts check the rules version a CI run used).
type versionInfo struct {
	Version      string `json:"version"`
	Commit       string `json:"commit"`
	GoVersion    string `json:"go_version"`
	Platform     string `json:"platform"`
	RulesVersion string `json:"rules_version"`
	RuleCount    int    `json:"rule_count"`
}

func currentVersion() versionInfo {
	t := toolInfo()
	return versionInfo{
		Version:      t.Version,
		Commit:       orDefault(t.Commit, "unknown"),
		GoVersion:    runtime.Version(),
		Platform:     runtime.GOOS + "/" + runtime.GOARCH,
		RulesVersion: t.RulesVersion,
		RuleCount:    builtinRuleCount(),
	}
}

func newVersionCmd(s streams) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, Go version and rules version",
		Long: `Print hardline's version, the commit it was built from, the Go version and
platform, and the rules version: a digest of the built-in rule set (the same
value reports carry as the tool's rules version) and its number of rules.`,
		Example: `  hardline version
  hardline version --format json | jq -r .rules_version`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := currentVersion()
			switch format {
			case "text":
				fmt.Fprintf(s.out, "hardline %s\ncommit: %s\ngo: %s %s\nrules: %s (%d built-in rules)\n",
					v.Version, v.Commit, v.GoVersion, v.Platform, v.RulesVersion, v.RuleCount)
			case "json":
				b, err := json.MarshalIndent(v, "", "  ")
				if err != nil {
					return fail(exitError, "%v", err)
				}
				fmt.Fprintln(s.out, string(b))
			default:
				return fail(exitError, "unknown --format %q for version (want text or json)", format)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text, json")
	return cmd
}
