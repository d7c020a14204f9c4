package config

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// ExpiryDateLayout is how an ignore entry's expires date is written.
const ExpiryDateLayout = "2006-01-02"

// ExpiringSoon is how close to its expiry date a waiver that is in use is
// announced, so that the owner can renew it or fix the findings before the
// build starts failing.
const ExpiringSoon = 14 * 24 * time.Hour

// validateIgnore checks the ignore entries and records each entry's line;
// root is the document's node tree.
func (c *Config) validateIgnore(root *yaml.Node) error {
	entries := nodeAt(root, "ignore")
	for i := range c.Ignore {
		ig := &c.Ignore[i]
		var entry *yaml.Node
		if entries != nil && entries.Kind == yaml.SequenceNode && i < len(entries.Content) {
			entry = entries.Content[i]
			ig.Line = entry.Line
		}
		errAt := func(field string, msg string, args ...any) error {
			line := ig.Line
			if n := nodeAt(entry, field); n != nil {
				line = n.Line
			}
			return &Error{File: c.Path, Line: line, Msg: fmt.Sprintf("ignore[%d]: ", i) + fmt.Sprintf(msg, args...)}
		}
		for _, r := range ig.Rules {
			if strings.TrimSpace(r) == "" {
				return errAt("rules", "empty rule id")
			}
		}
		for _, p := range ig.Paths {
			if strings.TrimSpace(p) == "" || !doublestar.ValidatePattern(p) {
				return errAt("paths", "invalid path glob %q", p)
			}
		}
		for _, p := range ig.Images {
			if strings.TrimSpace(p) == "" || !doublestar.ValidatePattern(p) {
				return errAt("images", "invalid image glob %q", p)
			}
		}
		if strings.TrimSpace(ig.Reason) == "" {
			return errAt("", "a reason is required so that reviewers and auditors know why")
		}
		// Owner is shown on one line in every report; a key given but left
		// empty is a waiver whose owner was forgotten.
		if nodeAt(entry, "owner") != nil || ig.Owner != "" {
			ig.Owner = strings.TrimSpace(ig.Owner)
			if ig.Owner == "" {
				return errAt("owner", "owner is empty: name who accepted the risk (a person, team or ticket), or remove the key")
			}
			if strings.IndexFunc(ig.Owner, unicode.IsControl) >= 0 {
				return errAt("owner", "owner must be one line of text")
			}
		}
		if n := nodeAt(entry, "expires"); n != nil || ig.Expires != "" {
			ig.Expires = strings.TrimSpace(ig.Expires)
			d, err := time.Parse(ExpiryDateLayout, ig.Expires)
			if err != nil {
				return errAt("expires", "expires %q is not a date: want YYYY-MM-DD, the last day (UTC) the waiver applies", ig.Expires)
			}
			ig.expires = d
		}
	}
	return nil
}

// today is the current date in UTC, at midnight.
func (c *Config) today() time.Time {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	y, m, d := now().UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// expired reports whether the waiver's last day is before today. The
// expiry day itself is still covered.
func (ig *Ignore) expired(today time.Time) bool {
	return !ig.expires.IsZero() && today.After(ig.expires)
}

// source names the entry: the configuration file and the entry's line.
func (c *Config) ignoreSource(ig *Ignore) string {
	src := c.Path
	if src == "" {
		src = "configuration"
	}
	src = filepath.ToSlash(src)
	if ig.Line > 0 {
		src += ":" + strconv.Itoa(ig.Line)
	}
	return src
}

func (c *Config) suppressionOf(ig *Ignore) *finding.Suppression {
	return &finding.Suppression{Kind: "config", Reason: ig.Reason, Source: c.ignoreSource(ig), Owner: ig.Owner, Expires: ig.Expires}
}

// Waiver matches f against the ignore entries. active is the first entry
// in force that matches (nil when none); expired, set only when no entry in
// force matches, is the first matching entry whose expiry date has passed.
//
// An entry matches when one of its rules names f's rule (or it names no
// rule) and it is in scope: it gives neither paths nor images, or a path
// glob matches f's file relative to the configuration's directory, or an
// image glob matches the name of the image f is about.
func (c *Config) Waiver(f *finding.Finding) (active, expired *finding.Suppression) {
	if len(c.Ignore) == 0 {
		return nil, nil
	}
	today := c.today()
	rel := ""
	relDone := false
	for i := range c.Ignore {
		ig := &c.Ignore[i]
		if len(ig.Rules) > 0 && !namesRule(ig.Rules, f.RuleID, f.RuleName) {
			continue
		}
		if len(ig.Paths) > 0 || len(ig.Images) > 0 {
			if !relDone && len(ig.Paths) > 0 {
				rel, relDone = c.relPath(f.File), true
			}
			if !matchAny(ig.Paths, rel) && (f.Image == nil || !matchImage(ig.Images, f.Image.Name)) {
				continue
			}
		}
		if ig.expired(today) {
			if expired == nil {
				expired = c.suppressionOf(ig)
			}
			continue
		}
		return c.suppressionOf(ig), nil
	}
	return nil, expired
}

func namesRule(list []string, id, name string) bool {
	for _, s := range list {
		if strings.EqualFold(s, id) || (name != "" && strings.EqualFold(s, name)) {
			return true
		}
	}
	return false
}

func matchAny(globs []string, s string) bool {
	for _, p := range globs {
		if ok, _ := doublestar.Match(p, s); ok {
			return true
		}
	}
	return false
}

// matchImage matches image globs against an image name as reported and
// without the manifest digest hardline appends to registry images, so that
// "registry.example.com/app:1.4" matches "registry.example.com/app:1.4@sha256:…".
func matchImage(globs []string, name string) bool {
	if name == "" || len(globs) == 0 {
		return false
	}
	if matchAny(globs, name) {
		return true
	}
	if i := strings.LastIndex(name, "@"); i > 0 {
		return matchAny(globs, name[:i])
	}
	return false
}

// ApplyWaivers completes what the pipeline's per-finding Suppression hook
// cannot see: it suppresses the findings that only an image glob (or an
// entry given the whole finding) waives, and marks the findings a lapsed
// waiver would have suppressed with ExpiredWaiver. Suppressed findings are
// left alone.
func (c *Config) ApplyWaivers(fs []finding.Finding) {
	for i := range fs {
		f := &fs[i]
		if f.Suppressed != nil {
			continue
		}
		active, expired := c.Waiver(f)
		if active != nil {
			f.Suppressed = active
			continue
		}
		f.ExpiredWaiver = expired
	}
}

// WaiverNotice is something to tell the user about one ignore entry.
type WaiverNotice struct {
	File    string
	Line    int
	Message string
	// Expired is true for a lapsed waiver whose findings count again, false
	// for one that will lapse soon.
	Expired bool
}

// WaiverNotices reports, for the waivers the findings of a run used, those
// that have expired (their findings count again) and those that expire
// within soon. Waivers that matched nothing are not mentioned: a run over a
// part of the repository does not see every finding.
func (c *Config) WaiverNotices(fs []finding.Finding, soon time.Duration) []WaiverNotice {
	if len(c.Ignore) == 0 {
		return nil
	}
	suppressed := map[string]int{}
	lapsed := map[string]int{}
	for i := range fs {
		if s := fs[i].Suppressed; s != nil && s.Kind == "config" {
			suppressed[s.Source]++
		}
		if s := fs[i].ExpiredWaiver; s != nil {
			lapsed[s.Source]++
		}
	}
	today := c.today()
	var out []WaiverNotice
	seen := map[string]bool{}
	for i := range c.Ignore {
		ig := &c.Ignore[i]
		src := c.ignoreSource(ig)
		if ig.expires.IsZero() || seen[src] {
			continue
		}
		seen[src] = true
		file := filepath.ToSlash(orConfig(c.Path))
		who := describeWaiver(ig)
		switch {
		case ig.expired(today) && lapsed[src] > 0:
			out = append(out, WaiverNotice{File: file, Line: ig.Line, Expired: true, Message: fmt.Sprintf(
				"%s expired on %s: %s again (renew it with a later expires date, or fix them)", who, ig.Expires, countAgain(lapsed[src]))})
		case !ig.expired(today) && suppressed[src] > 0 && ig.expires.Sub(today) < soon:
			days := int(ig.expires.Sub(today).Hours() / 24)
			var when string
			switch days {
			case 0:
				when = "today is its last day"
			case 1:
				when = "tomorrow"
			default:
				when = fmt.Sprintf("in %d days", days)
			}
			out = append(out, WaiverNotice{File: file, Line: ig.Line, Message: fmt.Sprintf(
				"%s expires on %s (%s): then %s again", who, ig.Expires, when, countAgain(suppressed[src]))})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

func orConfig(path string) string {
	if path == "" {
		return "configuration"
	}
	return path
}

// describeWaiver names a waiver in one line: its rules and owner, never its
// reason (free prose, often long).
func describeWaiver(ig *Ignore) string {
	rules := "all rules"
	if len(ig.Rules) > 0 {
		rules = strings.Join(ig.Rules, ", ")
	}
	s := "waiver for " + rules
	if ig.Owner != "" {
		s += " (owner " + ig.Owner + ")"
	}
	return s
}

func countAgain(n int) string {
	if n == 1 {
		return "1 finding counts"
	}
	return strconv.Itoa(n) + " findings count"
}
