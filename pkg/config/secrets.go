package config

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// Secrets configures how secret findings are treated.
type Secrets struct {
	// Allow lists credentials that are accepted on purpose (test keys,
	// fixture data). A matching finding is reported as suppressed, never
	// dropped.
	Allow []SecretAllow `yaml:"allow"`
}

// SecretAllow is one secrets.allow entry. It matches a finding when every
// criterion it gives matches; it must give at least one, and a reason.
type SecretAllow struct {
	// Fingerprint is the secret's fingerprint (16 hex digits), as secret
	// findings show it (JSON secret.fingerprint, SARIF secretFingerprint,
	// `hardline facts`).
	Fingerprint string `yaml:"fingerprint"`
	// Paths are doublestar globs matched against the finding's file
	// (relative to the configuration's directory, as for ignore) and, for
	// image findings, against the path of the file inside the image.
	Paths []string `yaml:"paths"`
	// Rules are detector rule ids (generic-api-key, private-key ...) or
	// hardline rule ids or names (HL1007, secret-in-env-or-arg).
	Rules  []string `yaml:"rules"`
	Reason string   `yaml:"reason"`

	// Line is the entry's line in the configuration file (0 when unknown).
	Line int `yaml:"-"`
}

// SecretsTag is the tag that makes a rule's findings subject to
// secrets.allow.
const SecretsTag = "secrets"

var (
	fingerprintRe        = regexp.MustCompile(`^[0-9a-fA-F]{16}$`)
	findingFingerprintRe = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)
)

// validateSecrets checks secrets.allow and records each entry's line; root
// is the document's node tree (nil when unavailable).
func (c *Config) validateSecrets(root *yaml.Node) error {
	entries := nodeAt(root, "secrets", "allow")
	for i := range c.Secrets.Allow {
		a := &c.Secrets.Allow[i]
		var entry *yaml.Node
		if entries != nil && entries.Kind == yaml.SequenceNode && i < len(entries.Content) {
			entry = entries.Content[i]
			a.Line = entry.Line
		}
		where := fmt.Sprintf("secrets.allow[%d]", i)
		errAt := func(field string, msg string, args ...any) error {
			line := a.Line
			if n := nodeAt(entry, field); n != nil {
				line = n.Line
			}
			return &Error{File: c.Path, Line: line, Msg: where + ": " + fmt.Sprintf(msg, args...)}
		}
		a.Fingerprint = strings.TrimSpace(a.Fingerprint)
		if a.Fingerprint != "" {
			if findingFingerprintRe.MatchString(a.Fingerprint) {
				return errAt("fingerprint", "%q is a finding's fingerprint; secrets.allow wants the secret's fingerprint (16 hex digits: JSON secret.fingerprint, SARIF secretFingerprint, hardline facts)", a.Fingerprint)
			}
			if !fingerprintRe.MatchString(a.Fingerprint) {
				return errAt("fingerprint", "fingerprint %q is not a secret fingerprint (16 hex digits, as shown in secret findings: JSON secret.fingerprint, SARIF secretFingerprint, hardline facts)", a.Fingerprint)
			}
			a.Fingerprint = strings.ToLower(a.Fingerprint)
		}
		for _, p := range a.Paths {
			if strings.TrimSpace(p) == "" || !doublestar.ValidatePattern(p) {
				return errAt("paths", "invalid path glob %q", p)
			}
		}
		for _, r := range a.Rules {
			if strings.TrimSpace(r) == "" {
				return errAt("rules", "empty rule id")
			}
		}
		if a.Fingerprint == "" && len(a.Paths) == 0 && len(a.Rules) == 0 {
			return errAt("", "say which secrets the entry allows: give a fingerprint, paths or rules (an entry that allowed every secret would turn secret detection off)")
		}
		if strings.TrimSpace(a.Reason) == "" {
			return errAt("", "a reason is required so that reviewers and auditors know why")
		}
	}
	return nil
}

// nodeAt follows mapping keys from n (a document or mapping node); nil when
// a key is missing. With no keys it returns n.
func nodeAt(n *yaml.Node, keys ...string) *yaml.Node {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, k := range keys {
		if k == "" {
			continue
		}
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return n
}

// IsSecretRule reports whether findings of a rule with these tags are
// subject to secrets.allow.
func IsSecretRule(tags []string) bool {
	for _, t := range tags {
		if strings.EqualFold(t, SecretsTag) {
			return true
		}
	}
	return false
}

// SecretSuppression returns the suppression of the first secrets.allow entry
// that matches f, or nil. Only findings of rules tagged "secrets" are
// considered. An entry matches when every criterion it gives matches:
//
//   - fingerprint: f.Secret's fingerprint is the same (a finding that is
//     not tied to one secret value never matches a fingerprint);
//   - paths: a glob matches f.File (relative to the configuration's
//     directory) or, for image findings, the file's path inside the image;
//   - rules: one names the hardline rule (id or name) or f.Secret's
//     detector rule, case-insensitively.
func (c *Config) SecretSuppression(f *finding.Finding) *finding.Suppression {
	if len(c.Secrets.Allow) == 0 || !IsSecretRule(f.Tags) {
		return nil
	}
	var rel string
	relDone := false
	for _, a := range c.Secrets.Allow {
		if a.Fingerprint != "" && (f.Secret == nil || !strings.EqualFold(a.Fingerprint, f.Secret.Fingerprint)) {
			continue
		}
		if len(a.Rules) > 0 && !allowRule(a.Rules, f) {
			continue
		}
		if len(a.Paths) > 0 {
			if !relDone {
				rel, relDone = c.relPath(f.File), true
			}
			if !allowPath(a.Paths, rel, f.Image) {
				continue
			}
		}
		src := c.Path
		if src == "" {
			src = "configuration"
		}
		src = filepath.ToSlash(src)
		if a.Line > 0 {
			src += ":" + strconv.Itoa(a.Line)
		}
		return &finding.Suppression{Kind: "allowlist", Reason: a.Reason, Source: src}
	}
	return nil
}

func allowRule(list []string, f *finding.Finding) bool {
	for _, r := range list {
		if strings.EqualFold(r, f.RuleID) || strings.EqualFold(r, f.RuleName) {
			return true
		}
		if f.Secret != nil && f.Secret.Rule != "" && strings.EqualFold(r, f.Secret.Rule) {
			return true
		}
	}
	return false
}

func allowPath(globs []string, rel string, im *finding.ImageRef) bool {
	for _, p := range globs {
		if ok, _ := doublestar.Match(p, rel); ok {
			return true
		}
		if im != nil && im.Path != "" {
			if ok, _ := doublestar.Match(p, im.Path); ok {
				return true
			}
		}
	}
	return false
}

// UnknownSecretAllowRule returns a located error for the first
// secrets.allow rule that known rejects, or nil. secrets.allow rules name
// hardline rules or detector rules, so they are not part of KnownRuleRefs:
// a caller that knows both sets can reject typos with this.
func (c *Config) UnknownSecretAllowRule(known func(string) bool) error {
	for i, a := range c.Secrets.Allow {
		for _, r := range a.Rules {
			if known(r) {
				continue
			}
			line := a.Line
			if l := c.lineOfFrom(r, a.Line); l > 0 {
				line = l
			}
			return &Error{File: c.Path, Line: line, Msg: fmt.Sprintf("secrets.allow[%d]: unknown rule %q: not a hardline rule (see 'hardline rules list') or a secret detector rule", i, r)}
		}
	}
	return nil
}
