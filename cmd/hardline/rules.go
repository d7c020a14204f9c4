package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/policy"
	"github.com/hardline-dev/hardline/pkg/ruledoc"
)

func newRulesCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List, test and document rules",
		Args:  cobra.ArbitraryArgs,
		RunE:  groupRunE,
	}
	cmd.AddCommand(newRulesListCmd(s), newRulesTestCmd(s), newRulesDocCmd(s))
	return cmd
}

func newRulesListCmd(s streams) *cobra.Command {
	var c commonFlags
	var format string
	var tags []string
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the rules that would run, with severity, tags and controls",
		Example: "  hardline rules list\n  hardline rules list --tags secrets --format json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := c.loadConfig()
			if err != nil {
				return err
			}
			eng, err := c.engine(cmd.Context(), cfg, 1)
			if err != nil {
				return err
			}
			if err := checkTags(eng, tags); err != nil {
				return err
			}
			var rules []finding.Rule
			for _, r := range eng.Rules() {
				if len(tags) > 0 && !anyTag(r.Tags, tags) {
					continue
				}
				r.Enabled = cfg.Enabled(&r)
				r.Severity = cfg.SeverityFor(&r)
				rules = append(rules, r)
			}
			switch format {
			case "json":
				if rules == nil {
					rules = []finding.Rule{}
				}
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				return enc.Encode(rules)
			case "text":
				tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tSEVERITY\tTAGS\tCONTROLS\tTITLE")
				for _, r := range rules {
					name := r.Name
					if !r.Enabled {
						name += " (off)"
					}
					var ctl []string
					for _, c := range r.Controls {
						ctl = append(ctl, c.String())
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, name, r.Severity, strings.Join(r.Tags, ","), strings.Join(ctl, " "), r.Title)
				}
				return tw.Flush()
			default:
				return fail(exitError, "unknown --format %q (want text or json)", format)
			}
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	cmd.Flags().StringSliceVar(&tags, "tags", nil, "only list rules with any of these tags")
	c.register(cmd)
	return cmd
}

func anyTag(have, want []string) bool {
	for _, w := range want {
		for _, h := range have {
			if strings.EqualFold(strings.TrimSpace(w), h) {
				return true
			}
		}
	}
	return false
}

func newRulesTestCmd(s streams) *cobra.Command {
	var c commonFlags
	var verbose bool
	var filter string
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Run the Rego unit tests (_test.rego) of the built-in rules and of --rules directories",
		Example: `  hardline rules test
  hardline rules test --rules ./policies --no-builtin-rules -v`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := c.loadConfig()
			if err != nil {
				return err
			}
			opts := policy.Options{ExtraDirs: append(cfg.RulesDirPaths(), c.rulesDirs...), NoBuiltin: c.noBuiltin}
			_, failed, err := policy.RunTests(cmd.Context(), opts, filter, s.out, verbose)
			if err != nil {
				return fail(exitError, "%v", err)
			}
			if failed > 0 {
				return &exitCode{code: exitFindings}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print every test and its outcome")
	cmd.Flags().StringVar(&filter, "run", "", "only run tests whose name matches this regular expression")
	c.register(cmd)
	return cmd
}

func newRulesDocCmd(s streams) *cobra.Command {
	var c commonFlags
	var dir string
	var check bool
	cmd := &cobra.Command{
		Use:   "doc",
		Short: "Generate Markdown documentation for the rules from their metadata",
		Example: `  hardline rules doc                       # print to standard output
  hardline rules doc -o docs/rules         # one page per rule plus README.md
  hardline rules doc -o docs/rules --check # fail when the pages are stale`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := c.loadConfig()
			if err != nil {
				return err
			}
			eng, err := c.engine(cmd.Context(), cfg, 1)
			if err != nil {
				return err
			}
			files, err := ruledoc.Generate(eng.Rules(), policy.Tags(), ruledoc.WithExamples(eng.Examples()))
			if err != nil {
				return fail(exitError, "%v", err)
			}
			switch {
			case dir == "" && check:
				return fail(exitError, "--check needs -o DIR")
			case dir == "":
				names := make([]string, 0, len(files))
				for n := range files {
					names = append(names, n)
				}
				sort.Strings(names)
				// The index first, then pages in id order.
				var buf bytes.Buffer
				if idx, ok := files["README.md"]; ok {
					buf.Write(idx)
				}
				for _, n := range names {
					if n != "README.md" {
						buf.WriteString("\n---\n\n")
						buf.Write(files[n])
					}
				}
				_, err := s.out.Write(buf.Bytes())
				return err
			case check:
				stale, err := ruledoc.Check(dir, files)
				if err != nil {
					return fail(exitError, "%v", err)
				}
				if len(stale) > 0 {
					return fail(exitFindings, "rule docs in %s are stale: %s (run 'hardline rules doc -o %s')", dir, strings.Join(stale, ", "), dir)
				}
				return nil
			default:
				if err := ruledoc.Write(dir, files); err != nil {
					return fail(exitError, "%v", err)
				}
				fmt.Fprintf(s.err, "wrote %d files to %s\n", len(files), dir)
				return nil
			}
		},
	}
	cmd.Flags().StringVarP(&dir, "output", "o", "", "directory to write the pages to")
	cmd.Flags().BoolVar(&check, "check", false, "compare instead of writing; exit 1 when stale")
	c.register(cmd)
	return cmd
}
