package baseimage

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"
)

// Vocabularies for the closed-set fields. They are checked by ParseEntries /
// ValidateEntries because a typo ("muscl", "deb") would otherwise silently
// make rules that compare these strings never fire.
var (
	// Families group distros that share tooling (package format, manager,
	// conventions). photon covers Photon OS and Azure Linux / CBL-Mariner
	// (rpm + tdnf); busybox is a bare busybox userland without packages;
	// none is scratch.
	Families = []string{"alpine", "debian", "rhel", "suse", "arch", "photon", "wolfi", "busybox", "windows", "none"}
	// Libcs are the C libraries; none means no libc at all (scratch,
	// distroless static, chainguard static) and is also used for Windows,
	// which has no POSIX libc a Linux binary could link against.
	Libcs = []string{"glibc", "musl", "uclibc", "none"}
	// PackageManagers; none means the image has no package manager
	// (distroless, chiseled, busybox, scratch, Windows).
	PackageManagers = []string{"apk", "apt", "dnf", "yum", "microdnf", "tdnf", "zypper", "pacman", "none"}
)

// Match selects the references an Entry applies to. Every key that is given
// must match (AND); within a key, any pattern may match (OR). Patterns are
// doublestar globs: '*' stays within one path segment, '**' spans segments,
// {a,b} alternates.
type Match struct {
	// Images are matched against Ref.Name ("python", "bitnami/redis",
	// "gcr.io/distroless/static-debian12") and against the full
	// "registry/repository" form ("docker.io/library/python").
	Images []string `yaml:"images,omitempty" json:"images,omitempty"`
	// Tags are matched against the lower-cased tag. An untagged reference
	// without digest matches as "latest" (that is what Docker pulls); a
	// reference pinned only by digest matches with an empty tag.
	Tags []string `yaml:"tags,omitempty" json:"tags,omitempty"`
	// Registries are matched against Ref.Registry ("docker.io", "gcr.io").
	Registries []string `yaml:"registries,omitempty" json:"registries,omitempty"`
}

// Entry is one piece of knowledge: a match and the Info fields it supplies.
// Empty fields supply nothing, so a later matching entry may fill them.
type Entry struct {
	Name           string `yaml:"name" json:"name"`
	Match          Match  `yaml:"match" json:"match"`
	Distro         string `yaml:"distro,omitempty" json:"distro,omitempty"`
	Family         string `yaml:"family,omitempty" json:"family,omitempty"`
	Libc           string `yaml:"libc,omitempty" json:"libc,omitempty"`
	PackageManager string `yaml:"package_manager,omitempty" json:"package_manager,omitempty"`
	// User "root" (or "0") is explicit: it stops later entries from
	// supplying a non-root user, and is reported as "" in Info.
	User    string `yaml:"user,omitempty" json:"user,omitempty"`
	Shell   *bool  `yaml:"shell,omitempty" json:"shell,omitempty"`
	Runtime string `yaml:"runtime,omitempty" json:"runtime,omitempty"`
	// Notes explain the entry (sources, caveats); not copied into Info.
	Notes string `yaml:"notes,omitempty" json:"notes,omitempty"`
}

// ParseEntries decodes and validates a YAML list of entries (the format of
// knowledge.yaml and of `base_images:` in .hardline.yaml). Unknown keys are
// errors, so a misspelt "pakage_manager" does not silently do nothing.
func ParseEntries(data []byte) ([]Entry, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var entries []Entry
	if err := dec.Decode(&entries); err != nil {
		if errors.Is(err, io.EOF) { // empty document
			return nil, nil
		}
		return nil, fmt.Errorf("base image entries: %w", err)
	}
	if err := ValidateEntries(entries); err != nil {
		return nil, err
	}
	return entries, nil
}

// ValidateEntries checks entries decoded elsewhere (e.g. by the config
// loader): names present and unique, non-empty and well-formed match
// patterns, closed vocabularies respected, at least one field supplied.
// All problems are reported, joined.
func ValidateEntries(entries []Entry) error {
	var errs []error
	seen := make(map[string]int, len(entries))
	for i := range entries {
		e := &entries[i]
		fail := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("base image entry %d (%q): %s", i+1, e.Name, fmt.Sprintf(format, args...)))
		}
		switch {
		case e.Name == "":
			fail("name is required")
		case strings.ContainsAny(e.Name, " \t\r\n"):
			fail("name must not contain whitespace")
		default:
			if j, dup := seen[e.Name]; dup {
				fail("duplicate name (also entry %d)", j+1)
			}
			seen[e.Name] = i
		}
		if len(e.Match.Images)+len(e.Match.Tags)+len(e.Match.Registries) == 0 {
			fail("match needs at least one of images, tags, registries")
		}
		checkPatterns := func(key string, pats []string, lower bool) {
			for _, p := range pats {
				switch {
				case p == "":
					fail("match.%s: empty pattern", key)
				case strings.ContainsAny(p, " \t\r\n"):
					fail("match.%s: pattern %q contains whitespace", key, p)
				case !doublestar.ValidatePattern(p):
					fail("match.%s: invalid glob %q", key, p)
				case lower && strings.ToLower(p) != p:
					// Names and (for matching) tags are lower case, so an
					// upper-case pattern could never match.
					fail("match.%s: pattern %q must be lower case", key, p)
				}
			}
		}
		checkPatterns("images", e.Match.Images, true)
		checkPatterns("tags", e.Match.Tags, true)
		checkPatterns("registries", e.Match.Registries, true)

		checkEnum := func(field, v string, allowed []string) {
			if v != "" && !slices.Contains(allowed, v) {
				fail("%s %q is not one of %s", field, v, strings.Join(allowed, ", "))
			}
		}
		checkEnum("family", e.Family, Families)
		checkEnum("libc", e.Libc, Libcs)
		checkEnum("package_manager", e.PackageManager, PackageManagers)
		checkToken := func(field, v string) {
			if v != "" && !isToken(v) {
				fail("%s %q must be a lower-case identifier ([a-z0-9._-])", field, v)
			}
		}
		checkToken("distro", e.Distro)
		checkToken("runtime", e.Runtime)
		if strings.ContainsAny(e.User, " \t\r\n") {
			fail("user %q must not contain whitespace", e.User)
		}
		if e.Distro == "" && e.Family == "" && e.Libc == "" && e.PackageManager == "" &&
			e.User == "" && e.Shell == nil && e.Runtime == "" {
			fail("supplies no field (distro, family, libc, package_manager, user, shell, runtime)")
		}
	}
	return errors.Join(errs...)
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLowerAlnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return s != ""
}

// Table is an ordered list of entries; see Lookup for the semantics. A Table
// is immutable and safe for concurrent use.
type Table struct {
	entries []Entry
	// compiled[i] holds entries[i]'s patterns, split into literals
	// (compared with ==, most patterns) and globs, so Lookup does not
	// re-scan every pattern for metacharacters on every call.
	compiled []compiledMatch
}

type compiledMatch struct{ images, tags, registries patterns }

type patterns struct {
	set      bool // key given (an empty key matches everything)
	literals []string
	simple   []simpleGlob
	globs    []string
}

// simpleGlob is a pattern of the form "*mid*", "pre*" or "*suf" with a
// literal, slash-free core. The tag-only variant entries are all of this
// shape and are tried on every lookup, so they skip doublestar. '*' keeps
// doublestar's meaning: any run of characters except '/'.
type simpleGlob struct {
	core        string
	lead, trail bool // '*' before / after core
}

func parseSimpleGlob(p string) (simpleGlob, bool) {
	g := simpleGlob{core: p}
	g.core, g.lead = strings.CutPrefix(g.core, "*")
	g.core, g.trail = strings.CutSuffix(g.core, "*")
	if g.core == "" || strings.ContainsAny(g.core, "*?[]{}\\/") {
		return simpleGlob{}, false
	}
	return g, true
}

func (g simpleGlob) match(s string) bool {
	switch {
	case g.lead && g.trail:
		return strings.Contains(s, g.core) && !strings.Contains(s, "/")
	case g.lead:
		return strings.HasSuffix(s, g.core) && !strings.Contains(s[:len(s)-len(g.core)], "/")
	default:
		return strings.HasPrefix(s, g.core) && !strings.Contains(s[len(g.core):], "/")
	}
}

func compilePatterns(ps []string) patterns {
	c := patterns{set: len(ps) > 0}
	for _, p := range ps {
		if g, ok := parseSimpleGlob(p); ok && (g.lead || g.trail) {
			c.simple = append(c.simple, g)
		} else if strings.ContainsAny(p, "*?[{\\") {
			// Validate once here so matching can skip doublestar's
			// per-call validation; an invalid pattern (only possible
			// via unvalidated With input) never matches.
			if doublestar.ValidatePattern(p) {
				c.globs = append(c.globs, p)
			}
		} else {
			c.literals = append(c.literals, p)
		}
	}
	return c
}

func (c *patterns) match(s string) bool {
	if slices.Contains(c.literals, s) {
		return true
	}
	for _, g := range c.simple {
		if g.match(s) {
			return true
		}
	}
	for _, g := range c.globs {
		if doublestar.MatchUnvalidated(g, s) {
			return true
		}
	}
	return false
}

func newTable(entries []Entry) *Table {
	t := &Table{entries: entries, compiled: make([]compiledMatch, len(entries))}
	for i, e := range entries {
		t.compiled[i] = compiledMatch{
			images:     compilePatterns(e.Match.Images),
			tags:       compilePatterns(e.Match.Tags),
			registries: compilePatterns(e.Match.Registries),
		}
	}
	return t
}

//go:embed knowledge.yaml
var knowledgeYAML []byte

// defaultTable is parsed on first use only: most hardline invocations (a
// pre-commit hook on one file) should not pay for YAML decoding at start-up.
var defaultTable = sync.OnceValue(func() *Table {
	// Semantic validation (ValidateEntries) is skipped here: the embedded
	// file is covered by TestDefaultKnowledgeValid, and this runs on the
	// first Lookup of every hardline invocation.
	var entries []Entry
	dec := yaml.NewDecoder(bytes.NewReader(knowledgeYAML))
	dec.KnownFields(true)
	if err := dec.Decode(&entries); err != nil {
		// The embedded file is part of the binary and covered by tests;
		// failing here is a build defect, like a bad regexp.MustCompile.
		panic("baseimage: embedded knowledge.yaml is invalid: " + err.Error())
	}
	return newTable(entries)
})

// Default returns the table built from the embedded knowledge.yaml.
func Default() *Table { return defaultTable() }

// With returns a table in which overrides are consulted before t's entries,
// so they win field by field. An override whose Name equals an entry of t
// replaces that entry entirely (its fields no longer fill gaps), which is how
// configuration corrects a shipped entry rather than only shadowing it.
func (t *Table) With(overrides []Entry) *Table {
	if len(overrides) == 0 {
		return t
	}
	replaced := make(map[string]bool, len(overrides))
	for _, o := range overrides {
		replaced[o.Name] = true
	}
	entries := cloneEntries(overrides)
	for _, e := range t.entries {
		if !replaced[e.Name] {
			entries = append(entries, cloneEntry(e))
		}
	}
	return newTable(entries)
}

// Entries returns a copy of the table's entries in lookup order.
func (t *Table) Entries() []Entry { return cloneEntries(t.entries) }

func cloneEntries(es []Entry) []Entry {
	out := make([]Entry, len(es))
	for i, e := range es {
		out[i] = cloneEntry(e)
	}
	return out
}

func cloneEntry(e Entry) Entry {
	e.Match.Images = slices.Clone(e.Match.Images)
	e.Match.Tags = slices.Clone(e.Match.Tags)
	e.Match.Registries = slices.Clone(e.Match.Registries)
	if e.Shell != nil {
		v := *e.Shell
		e.Shell = &v
	}
	return e
}

// Lookup returns what the table knows about ref.
//
// Entries are tried in order; an entry matches when all of its match keys
// match. Fields are filled field-wise by first match: the first matching
// entry that sets a field wins, later matches only fill fields still empty.
// That is why tag variants ("*alpine*") come before image entries ("node")
// in knowledge.yaml: node:20-alpine takes distro/libc/package manager from
// the alpine entry and runtime from the node entry.
//
// Known is true when any entry matched. Entry names the entry that supplied
// Distro, or the first matching entry when none did. "scratch" on Docker Hub
// returns Scratch().
func (t *Table) Lookup(ref Ref) Info {
	if ref.Name == "" && ref.Repository != "" {
		// Hand-built Ref (tests, other packages): derive the match name.
		ref.Name = familiarName(ref.Registry, ref.Repository)
	}
	if ref.Name == "" {
		return Info{}
	}
	if ref.Name == "scratch" && ref.Registry == dockerHub {
		return Scratch()
	}
	full := ref.Registry + "/" + ref.Repository
	tag := strings.ToLower(ref.Tag)
	if tag == "" && ref.Digest == "" {
		tag = "latest"
	}

	var info Info
	var user, first, distroFrom string
	for i := range t.entries {
		if !t.compiled[i].matches(ref.Name, full, tag, ref.Registry) {
			continue
		}
		e := &t.entries[i]
		info.Known = true
		if first == "" {
			first = e.Name
		}
		if info.Distro == "" && e.Distro != "" {
			info.Distro, distroFrom = e.Distro, e.Name
		}
		fill(&info.Family, e.Family)
		fill(&info.Libc, e.Libc)
		fill(&info.PackageManager, e.PackageManager)
		fill(&user, e.User)
		fill(&info.Runtime, e.Runtime)
		if info.Shell == nil && e.Shell != nil {
			v := *e.Shell
			info.Shell = &v
		}
	}
	if !isRootUser(user) {
		info.User = user
	}
	info.Entry = distroFrom
	if info.Entry == "" {
		info.Entry = first
	}
	return info
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// isRootUser reports users that mean "root": Info.User documents "" as
// root, so explicit root entries are reported that way.
func isRootUser(u string) bool {
	name, _, _ := strings.Cut(u, ":")
	return name == "root" || name == "0" || strings.EqualFold(name, "ContainerAdministrator")
}

// matches checks the cheap keys (tags, registries) before images.
func (m *compiledMatch) matches(name, full, tag, registry string) bool {
	if m.tags.set && !m.tags.match(tag) {
		return false
	}
	if m.registries.set && !m.registries.match(registry) {
		return false
	}
	if m.images.set && !m.images.match(name) && (full == name || !m.images.match(full)) {
		return false
	}
	return true
}

// Scratch is the Info for `FROM scratch`: an empty filesystem, so no libc,
// no package manager and no shell.
func Scratch() Info {
	no := false
	return Info{
		Known:          true,
		Distro:         "scratch",
		Family:         "none",
		Libc:           "none",
		PackageManager: "none",
		Shell:          &no,
		Entry:          "scratch",
	}
}
