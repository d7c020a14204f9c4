package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/policy"
	"github.com/hardline-dev/hardline/pkg/report"
)

// newCompletionCmd replaces cobra's default completion command to give it
// install instructions that work for hardline; the scripts are cobra's.
func newCompletionCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print a script that completes hardline's commands, flags and flag values
(--format, --fail-on, --tags, --platform …) in your shell.

  bash   needs the bash-completion package; load it in every new shell with
         echo 'source <(hardline completion bash)' >> ~/.bashrc
  zsh    put it on your $fpath (compinit must be enabled):
         hardline completion zsh > "${fpath[1]}/_hardline"
  fish   hardline completion fish > ~/.config/fish/completions/hardline.fish
  powershell
         hardline completion powershell | Out-String | Invoke-Expression`,
		Example: `  source <(hardline completion bash)
  hardline completion zsh > "${fpath[1]}/_hardline"
  hardline completion fish > ~/.config/fish/completions/hardline.fish`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			var err error
			switch args[0] {
			case "bash":
				err = root.GenBashCompletionV2(s.out, true)
			case "zsh":
				err = root.GenZshCompletion(s.out)
			case "fish":
				err = root.GenFishCompletion(s.out, true)
			case "powershell":
				err = root.GenPowerShellCompletionWithDesc(s.out)
			}
			if err != nil {
				return fail(exitError, "writing the completion script: %v", err)
			}
			return nil
		},
	}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fail(exitError, "%v (see 'hardline completion --help')", err)
	})
	return cmd
}

// registerCompletions gives every command's value flags their completions,
// by flag name, so that a command added later gets them too.
func registerCompletions(root *cobra.Command) {
	fixed := func(values ...string) cobra.CompletionFunc {
		return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return values, cobra.ShellCompDirectiveNoFileComp
		}
	}
	severities := []string{"none"}
	for s := finding.Info; s <= finding.Critical; s++ {
		severities = append(severities, s.String())
	}
	byName := map[string]cobra.CompletionFunc{
		"fail-on": fixed(severities...),
		// The common platforms; anything os/arch[/variant] is accepted.
		"platform": fixed("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386", "linux/ppc64le", "linux/s390x", "linux/riscv64"),
		"tags":     completeTags,
		"config": func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		},
		"rules": func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
		"cache-dir": func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name, fn := range byName {
			if c.Flags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, fn)
			}
		}
		// --format takes different values per command (version has only
		// text and json); the usage text lists them after "format: ".
		if f := c.Flags().Lookup("format"); f != nil {
			values := report.Formats()
			if _, list, ok := strings.Cut(f.Usage, "format: "); ok {
				values = strings.Split(list, ", ")
			}
			_ = c.RegisterFlagCompletionFunc("format", fixed(values...))
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completeTags offers the tag vocabulary with descriptions, continuing a
// comma-separated list (--tags secrets,us<TAB>).
func completeTags(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	prefix := ""
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		prefix = toComplete[:i+1]
	}
	var out []string
	for _, t := range policy.Tags() {
		out = append(out, prefix+t.Name+"\t"+t.Description)
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}
