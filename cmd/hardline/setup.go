package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/hardline-dev/hardline/pkg/baseimage"
	"github.com/hardline-dev/hardline/pkg/config"
	"github.com/hardline-dev/hardline/pkg/image"
	"github.com/hardline-dev/hardline/pkg/policy"
	"github.com/hardline-dev/hardline/pkg/secrets"
)

// commonFlags are shared by every command that evaluates rules.
type commonFlags struct {
	configPath string
	noConfig   bool
	rulesDirs  []string
	noBuiltin  bool
}

func (c *commonFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&c.configPath, "config", "", "configuration file (default: .hardline.yaml in the working directory or a parent)")
	f.BoolVar(&c.noConfig, "no-config", false, "ignore any .hardline.yaml")
	f.StringArrayVar(&c.rulesDirs, "rules", nil, "extra directory of custom Rego rules (repeatable)")
	f.BoolVar(&c.noBuiltin, "no-builtin-rules", false, "evaluate only the rules given with --rules")
}

// loadConfig finds and parses the configuration.
func (c *commonFlags) loadConfig() (*config.Config, error) {
	if c.noConfig {
		return &config.Config{}, nil
	}
	path := c.configPath
	if path == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fail(exitError, "cannot determine the working directory: %v", err)
		}
		if path, err = config.Find(wd); err != nil {
			return nil, fail(exitError, "looking for .hardline.yaml: %v", err)
		}
		if path == "" {
			return &config.Config{}, nil
		}
		// Reports name the configuration as a waiver's source; keep the
		// working directory out of them.
		if rel, err := filepath.Rel(wd, path); err == nil {
			path = rel
		}
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, fail(exitError, "%v", err)
	}
	return cfg, nil
}

// engine builds the policy engine from built-in rules, configured rule
// directories and --rules; kinds, when given, limits it to those inputs.
func (c *commonFlags) engine(ctx context.Context, cfg *config.Config, compilers int, kinds ...string) (*policy.Engine, error) {
	dirs := append(cfg.RulesDirPaths(), c.rulesDirs...)
	for _, d := range dirs {
		st, err := os.Stat(d)
		if err != nil || !st.IsDir() {
			return nil, fail(exitError, "rules directory %s: not found (check --rules or rules-dirs in %s)", d, orDefault(cfg.Path, "the configuration"))
		}
	}
	eng, err := builtinEngine(ctx, policy.Options{ExtraDirs: dirs, NoBuiltin: c.noBuiltin, Compilers: compilers, Kinds: kinds, Data: cfg.PolicyData()})
	if err != nil {
		return nil, fail(exitError, "%v", err)
	}
	// A configuration that names a rule that does not exist is almost
	// always a typo that silently disables nothing.
	known := map[string]bool{}
	for _, r := range eng.Rules() {
		known[strings.ToLower(r.ID)] = true
		known[strings.ToLower(r.Name)] = true
	}
	var unknown []string
	for _, ref := range cfg.KnownRuleRefs() {
		if ref != "*" && !known[strings.ToLower(ref)] {
			unknown = append(unknown, ref)
		}
	}
	// secrets.allow may also name detector rules; a typo there would
	// silently allow nothing, so it is checked the same way.
	detector := map[string]bool{}
	for _, id := range append(secrets.Default().RuleIDs(), image.SecretRuleIDs()...) {
		detector[strings.ToLower(id)] = true
	}
	if err := cfg.UnknownSecretAllowRule(func(r string) bool {
		r = strings.ToLower(r)
		return known[r] || detector[r]
	}); err != nil {
		return nil, fail(exitError, "%v", err)
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		where := cfg.Path
		if line := cfg.LineOf(unknown[0]); line > 0 {
			where = fmt.Sprintf("%s:%d", cfg.Path, line)
		}
		return nil, fail(exitError, "%s: unknown rule %s (see 'hardline rules list')", where, strings.Join(unknown, ", "))
	}
	return eng, nil
}

// engines memoises engines of the embedded rules by their options. A
// command compiles one engine, so this costs nothing in a normal run; a
// process that runs several commands (the CLI tests call run() hundreds of
// times) compiles each rule set once. Engines with rule directories are
// never cached: their files may change between runs.
var engines sync.Map // string → *policy.Engine

func builtinEngine(ctx context.Context, opts policy.Options) (*policy.Engine, error) {
	if len(opts.ExtraDirs) > 0 || opts.NoBuiltin || opts.Builtin != nil || opts.Print != nil {
		return policy.New(ctx, opts)
	}
	data, err := json.Marshal(opts.Data)
	if err != nil {
		return policy.New(ctx, opts)
	}
	key := fmt.Sprintf("%d|%v|%s|%d", opts.Compilers, opts.Kinds, data, opts.Timeout)
	if e, ok := engines.Load(key); ok {
		return e.(*policy.Engine), nil
	}
	e, err := policy.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	engines.Store(key, e)
	return e, nil
}

// checkTags rejects --tags values that no rule could match: a misspelt tag
// would otherwise run nothing and pass.
func checkTags(eng *policy.Engine, tags []string) error {
	carried := map[string]bool{}
	for _, r := range eng.Rules() {
		for _, t := range r.Tags {
			carried[t] = true
		}
	}
	var unknown []string
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !carried[t] && !policy.IsKnownTag(t) {
			unknown = append(unknown, t)
		}
	}
	if len(unknown) > 0 {
		return fail(exitError, "unknown tag %s in --tags (see 'hardline rules list' for the tags rules carry)", strings.Join(unknown, ", "))
	}
	return nil
}

// baseImages returns the knowledge table with configured overrides.
func baseImages(cfg *config.Config) (*baseimage.Table, error) {
	data, err := cfg.BaseImagesYAML()
	if err != nil {
		return nil, fail(exitError, "%v", err)
	}
	if data == nil {
		return baseimage.Default(), nil
	}
	entries, err := baseimage.ParseEntries(data)
	if err != nil {
		return nil, fail(exitError, "%s: base-images: %v", cfg.Path, err)
	}
	return baseimage.Default().With(entries), nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
