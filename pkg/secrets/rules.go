package secrets

import (
	"regexp"
	"strings"
	"sync"

	toml "github.com/pelletier/go-toml/v2"
	glconfig "github.com/zricethezav/gitleaks/v8/config"
)

// Rule sources. Provider rules come from gitleaks' maintained default
// configuration (MIT licence, pinned in go.mod); hardline adds a handful of
// context rules for formats gitleaks has no rule for.
const (
	sourceGitleaks = "gitleaks"
	sourceHardline = "hardline"
)

// Confidence levels reported in Match.Confidence.
const (
	ConfidenceHigh   = "high"
	ConfidenceMedium = "medium"
)

// Specificity ranks decide which of two overlapping matches survives
// de-duplication: a provider-specific rule says more than a generic one.
const (
	rankGeneric  = 1 // generic-api-key, generic-credential-assignment
	rankContext  = 2 // hardline format rules (URL userinfo, .netrc, …)
	rankProvider = 3 // gitleaks provider rules (ghp_, AKIA, private keys)
)

// allowlist mirrors the parts of a gitleaks allowlist that apply to text
// without a file path or commit. Regexes are compiled lazily with the rule.
type allowlist struct {
	target    string // "secret" (default), "match" or "line"
	and       bool   // condition = "AND"
	regexSrc  []string
	stopwords []string // lower-cased
	// unusable is set when the allowlist only makes sense with a path or
	// commit: for AND it can never be satisfied here, for OR it never fires.
	unusable bool
	regexes  []*regexp.Regexp
	stopAC   *acMatcher // stopwords automaton (the generic rule has ~1,500)
}

// compile joins the allowlist's regexes into one alternation (as gitleaks
// does), so checking a finding costs one regexp run instead of dozens.
func (a *allowlist) compile() {
	if len(a.stopwords) > 0 {
		a.stopAC = newACMatcher(a.stopwords)
	}
	if len(a.regexSrc) == 0 {
		return
	}
	parts := make([]string, 0, len(a.regexSrc))
	for _, src := range a.regexSrc {
		if _, err := regexp.Compile(src); err == nil {
			parts = append(parts, "(?:"+src+")")
		}
	}
	if re, err := regexp.Compile(strings.Join(parts, "|")); err == nil {
		a.regexes = []*regexp.Regexp{re}
	}
}

// rule is one detection rule. Everything expensive (regexp compilation and
// the structural analysis that bounds scan windows) happens in prepare(),
// at most once, the first time a keyword of the rule is seen.
type rule struct {
	id          string
	description string
	source      string
	regexSrc    string
	secretGroup int
	entropy     float64
	keywords    []string // lower-cased
	allowlists  []*allowlist
	rank        int
	confidence  string
	// validate is an extra hardline check on the extracted secret (for
	// example "the base64 decodes to user:password"); nil means none.
	validate func(secret, match string) bool
	// noKey: the text before the secret is not an assignment name (URLs,
	// PEM blocks), so Match.Key stays empty.
	noKey bool
	// keyed: validate only accepts matches whose assignment name contains
	// one of the keywords, so searching near keywords is exact even though
	// the pattern itself does not spell them out.
	keyed bool
	// lineStart: the match (after PRE) must begin a line, as in
	// INI/.netrc layouts; checked by hand so the pattern stays anchorable.
	lineStart bool
	// custom replaces the regexp: given keyword start offsets (sorted) it
	// returns [matchStart, matchEnd, secretStart, secretEnd] spans.
	custom func(text string, starts []int) [][]int

	once sync.Once
	re   *regexp.Regexp
	bad  bool // regexp failed to compile: the rule is disabled
	// Window analysis (see window.go). maxRunes/maxNL are upper bounds on
	// the width and number of newlines of any match (unbounded = inf);
	// contained reports that every match contains one of the keywords, so
	// it is enough to search near keyword occurrences.
	maxRunes  int
	maxNL     int
	contained bool
	// anchor, when set, replaces the unanchored search (see anchor.go).
	anchor *anchorPlan
}

func (r *rule) prepare() {
	r.once.Do(func() {
		if r.custom != nil {
			return
		}
		if !r.keyed {
			r.anchor = planAnchor(r.regexSrc, r.keywords)
		}
		if r.anchor == nil {
			re, err := regexp.Compile(r.regexSrc)
			if err != nil {
				r.bad = true
				return
			}
			r.re = re
			r.maxRunes, r.maxNL, r.contained = analyse(r.regexSrc, r.keywords)
			r.contained = r.contained || r.keyed
		}
		for _, a := range r.allowlists {
			a.compile()
		}
	})
}

// ruleSet is the loaded configuration: rules plus the global allowlist and
// the keyword automaton used for prefiltering.
type ruleSet struct {
	rules  []*rule
	global []*allowlist
	// kwRules maps a keyword id of the automaton to the rules it enables.
	kwRules [][]int32
	always  []int32 // rules without keywords: tried on every input
	ac      *acMatcher
	// gitleaksRules counts rules taken from the gitleaks configuration.
	gitleaksRules int
	skipped       []string // gitleaks rules that need a file path
}

// gitleaksFile is the subset of the gitleaks TOML schema hardline uses.
type gitleaksFile struct {
	Allowlist  *gitleaksAllowlist  `toml:"allowlist"`
	Allowlists []gitleaksAllowlist `toml:"allowlists"`
	Rules      []struct {
		ID          string              `toml:"id"`
		Description string              `toml:"description"`
		Regex       string              `toml:"regex"`
		Path        string              `toml:"path"`
		SecretGroup int                 `toml:"secretGroup"`
		Entropy     float64             `toml:"entropy"`
		Keywords    []string            `toml:"keywords"`
		SkipReport  bool                `toml:"skipReport"`
		Allowlist   *gitleaksAllowlist  `toml:"allowlist"`
		Allowlists  []gitleaksAllowlist `toml:"allowlists"`
		Required    []any               `toml:"required"`
	} `toml:"rules"`
}

type gitleaksAllowlist struct {
	Condition   string   `toml:"condition"`
	Commits     []string `toml:"commits"`
	Paths       []string `toml:"paths"`
	RegexTarget string   `toml:"regexTarget"`
	Regexes     []string `toml:"regexes"`
	StopWords   []string `toml:"stopwords"`
}

func convertAllowlist(g gitleaksAllowlist) *allowlist {
	a := &allowlist{
		target:   strings.ToLower(g.RegexTarget),
		and:      strings.EqualFold(strings.TrimSpace(g.Condition), "AND"),
		regexSrc: g.Regexes,
	}
	for _, w := range g.StopWords {
		a.stopwords = append(a.stopwords, strings.ToLower(w))
	}
	hasPathOrCommit := len(g.Paths) > 0 || len(g.Commits) > 0
	switch {
	case a.and && hasPathOrCommit:
		// An AND allowlist that also requires a path or commit can never be
		// satisfied when scanning a bare string.
		a.unusable = true
	case len(a.regexSrc) == 0 && len(a.stopwords) == 0:
		a.unusable = true
	}
	return a
}

// loadRules parses the gitleaks default configuration embedded in the
// pinned gitleaks module and appends hardline's context rules. Nothing is
// compiled here; parsing the ~100 KB TOML takes a few milliseconds and
// happens once per process, on first use.
func loadRules() *ruleSet {
	rs := &ruleSet{}
	var f gitleaksFile
	if err := toml.Unmarshal([]byte(glconfig.DefaultConfig), &f); err != nil {
		// The embedded file is part of a pinned module version; a parse
		// failure is a build-time bug caught by the tests. Degrade to the
		// hardline rules instead of panicking in a linter run.
		f = gitleaksFile{}
	}
	if f.Allowlist != nil {
		rs.global = append(rs.global, convertAllowlist(*f.Allowlist))
	}
	for _, g := range f.Allowlists {
		rs.global = append(rs.global, convertAllowlist(g))
	}
	for _, gr := range f.Rules {
		// Path rules (kubernetes secret YAML, nuget config, pkcs12 files, …)
		// only apply to named files; ScanText has no file name. Rules with
		// required companions or skipReport are multi-part rules that the
		// default set does not use today; skip rather than misreport.
		if gr.Path != "" || gr.Regex == "" || gr.SkipReport || len(gr.Required) > 0 {
			rs.skipped = append(rs.skipped, gr.ID)
			continue
		}
		r := &rule{
			id:          gr.ID,
			description: gr.Description,
			source:      sourceGitleaks,
			regexSrc:    gr.Regex,
			secretGroup: gr.SecretGroup,
			entropy:     gr.Entropy,
			rank:        rankProvider,
			confidence:  ConfidenceHigh,
		}
		if strings.Contains(gr.ID, "generic") {
			r.rank = rankGeneric
			r.confidence = ConfidenceMedium
			r.validate = genericValueOK
		}
		if v, ok := gitleaksValidators[gr.ID]; ok {
			r.validate = v
		}
		for _, k := range gr.Keywords {
			r.keywords = append(r.keywords, strings.ToLower(k))
		}
		if gr.Allowlist != nil {
			r.allowlists = append(r.allowlists, convertAllowlist(*gr.Allowlist))
		}
		for _, g := range gr.Allowlists {
			r.allowlists = append(r.allowlists, convertAllowlist(g))
		}
		rs.rules = append(rs.rules, r)
	}
	for _, a := range rs.global {
		a.compile()
	}
	rs.gitleaksRules = len(rs.rules)
	rs.rules = append(rs.rules, hardlineRules()...)
	rs.buildPrefilter()
	return rs
}

// buildPrefilter builds one Aho-Corasick automaton over the distinct
// keywords of all rules. Rules without keywords have to run on every input
// (as in gitleaks); the default set has none once path rules are dropped.
func (rs *ruleSet) buildPrefilter() {
	ids := map[string]int{}
	var words []string
	for i, r := range rs.rules {
		if len(r.keywords) == 0 {
			rs.always = append(rs.always, int32(i))
		}
		for _, k := range r.keywords {
			if k == "" {
				continue
			}
			id, ok := ids[k]
			if !ok {
				id = len(words)
				ids[k] = id
				words = append(words, k)
				rs.kwRules = append(rs.kwRules, nil)
			}
			rs.kwRules[id] = append(rs.kwRules[id], int32(i))
		}
	}
	rs.ac = newACMatcher(words)
}
