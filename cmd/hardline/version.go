package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"runtime/debug"
	"sort"

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
	if c == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					c = s.Value
				}
			}
		}
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
	var names []string
	_ = fs.WalkDir(rules.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	for _, n := range names {
		b, _ := fs.ReadFile(rules.FS, n)
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:12]
}

func newVersionCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and rules version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t := toolInfo()
			fmt.Fprintf(s.out, "hardline %s\ncommit: %s\nrules: %s\n", t.Version, orDefault(t.Commit, "unknown"), t.RulesVersion)
			return nil
		},
	}
}
