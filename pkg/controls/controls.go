// Package controls holds the compliance catalogs hardline reports against
// (NIST SP 800-190, CIS Docker Benchmark v1.6.0 and v1.7.0) as embedded,
// versioned data, and resolves which rules evidence which control.
//
// A catalog lists control ids with hardline's own short titles (benchmark
// text is licensed and never shipped), the risk a countermeasure answers,
// and how far a static check can evidence it (Automation). Rules reference
// controls in their METADATA (controls: {framework: [ids]}); a catalog that
// declares an EquivalentFramework also accepts the other framework's ids
// through each control's Equivalent, so rules need not list every version.
package controls

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/hardline-dev/hardline/pkg/finding"
)

//go:embed catalogs/*.yaml
var catalogFS embed.FS

// Automation says how much of a control static checks can evidence.
type Automation string

const (
	// Full: the rules decide the control on their own.
	Full Automation = "full"
	// Partial: the rules find violations; passing them leaves a review.
	Partial Automation = "partial"
	// Manual: nothing a Dockerfile or an image shows decides the control.
	Manual Automation = "manual"
)

// Automated reports whether rules are expected to evidence the control.
func (a Automation) Automated() bool { return a == Full || a == Partial }

// Conditions a control may be not applicable under, set per input by the
// caller that builds the assessment.
const (
	// CondNoHealthcheckField: the image's configuration format has no
	// healthcheck field (OCI image configuration), so whether the build
	// declared one cannot be told.
	CondNoHealthcheckField = "no-healthcheck-field"
)

var knownConditions = []string{CondNoHealthcheckField}

// Fact keys a control may ask to be shown with its result.
var knownFacts = []string{"base_image", "entrypoint", "exposed_ports", "healthcheck", "user"}

// Group is a section of a catalog (e.g. "4.1 Image countermeasures").
type Group struct {
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
}

// Control is one catalog entry.
type Control struct {
	ID    string `yaml:"id" json:"id"`
	Group string `yaml:"group" json:"group"`
	Title string `yaml:"title" json:"title"`
	// Risk is the risk section the countermeasure answers (NIST: 3.x.y).
	Risk       string     `yaml:"risk" json:"risk,omitempty"`
	Automation Automation `yaml:"automation" json:"automation"`
	// Review says what an auditor still checks by hand (partial and manual
	// controls).
	Review string `yaml:"review" json:"review,omitempty"`
	// Equivalent is the id of the corresponding control in the catalog's
	// EquivalentFramework.
	Equivalent string `yaml:"equivalent" json:"equivalent,omitempty"`
	// Facts are input facts worth showing with the result (user, ...).
	Facts []string `yaml:"facts" json:"facts,omitempty"`
	// NotApplicableWhen are input conditions under which the control cannot
	// be judged for that input.
	NotApplicableWhen []string `yaml:"not_applicable_when" json:"not_applicable_when,omitempty"`
}

// Catalog is one framework's list of controls.
type Catalog struct {
	ID             string `yaml:"id"`
	Title          string `yaml:"title"`
	Publication    string `yaml:"publication"`
	Source         string `yaml:"source"`
	CatalogVersion int    `yaml:"catalog_version"`
	// Numbering says where the control numbers come from.
	Numbering string `yaml:"numbering"`
	// EquivalentFramework is another framework whose control ids map onto
	// this one through Control.Equivalent (cis-docker-1.6.0 for 1.7.0).
	EquivalentFramework string    `yaml:"equivalent_framework"`
	Groups              []Group   `yaml:"groups"`
	Controls            []Control `yaml:"controls"`

	index map[string]int
	// Digest is the SHA-256 of the catalog file, so that a report names the
	// exact data it was assessed against.
	Digest string `yaml:"-"`
}

// Control returns the control with id, or nil.
func (c *Catalog) Control(id string) *Control {
	if i, ok := c.index[id]; ok {
		return &c.Controls[i]
	}
	return nil
}

// GroupTitle returns the title of group id ("" when unknown).
func (c *Catalog) GroupTitle(id string) string {
	for _, g := range c.Groups {
		if g.ID == id {
			return g.Title
		}
	}
	return ""
}

// Evidences reports whether a rule reference ref names control ctl of this
// catalog, directly or through the equivalent framework.
func (c *Catalog) Evidences(ref finding.Control, ctl *Control) bool {
	if ref.Framework == c.ID && ref.ID == ctl.ID {
		return true
	}
	return c.EquivalentFramework != "" && ctl.Equivalent != "" &&
		ref.Framework == c.EquivalentFramework && ref.ID == ctl.Equivalent
}

// RulesFor returns the rules (in the given order) that evidence ctl.
func (c *Catalog) RulesFor(ctl *Control, rules []finding.Rule) []finding.Rule {
	var out []finding.Rule
	for _, r := range rules {
		for _, ref := range r.Controls {
			if c.Evidences(ref, ctl) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

var (
	loadOnce sync.Once
	loaded   map[string]*Catalog
	loadErr  error
)

// IDs lists the built-in catalogs, sorted.
func IDs() []string {
	all, err := builtins()
	if err != nil {
		return nil
	}
	ids := make([]string, 0, len(all))
	for id := range all {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Get returns the built-in catalog id.
func Get(id string) (*Catalog, error) {
	all, err := builtins()
	if err != nil {
		return nil, err
	}
	c, ok := all[id]
	if !ok {
		ids := make([]string, 0, len(all))
		for k := range all {
			ids = append(ids, k)
		}
		sort.Strings(ids)
		return nil, fmt.Errorf("unknown framework %q (want %s)", id, strings.Join(ids, ", "))
	}
	return c, nil
}

func builtins() (map[string]*Catalog, error) {
	loadOnce.Do(func() { loaded, loadErr = LoadFS(catalogFS, "catalogs") })
	return loaded, loadErr
}

// LoadFS reads every *.yaml catalog under dir of fsys; file names must be
// the catalog id. Exported so that tests can load broken catalogs.
func LoadFS(fsys fs.FS, dir string) (map[string]*Catalog, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	out := map[string]*Catalog{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		data, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		c, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		if want := strings.TrimSuffix(e.Name(), ".yaml"); c.ID != want {
			return nil, fmt.Errorf("%s: catalog id %q does not match the file name", e.Name(), c.ID)
		}
		out[c.ID] = c
	}
	for _, c := range out {
		if c.EquivalentFramework == "" {
			continue
		}
		other, ok := out[c.EquivalentFramework]
		if !ok {
			return nil, fmt.Errorf("%s: equivalent_framework %q is not a catalog", c.ID, c.EquivalentFramework)
		}
		for _, ctl := range c.Controls {
			if ctl.Equivalent == "" {
				return nil, fmt.Errorf("%s: control %s has no equivalent in %s", c.ID, ctl.ID, other.ID)
			}
			eq := other.Control(ctl.Equivalent)
			if eq == nil {
				return nil, fmt.Errorf("%s: control %s: equivalent %s does not exist in %s", c.ID, ctl.ID, ctl.Equivalent, other.ID)
			}
		}
		c.inherit(other)
	}
	return out, nil
}

// inherit fills what a control of a renumbered edition leaves out (title,
// automation, review, facts, conditions) from its equivalent, so that an
// edition that only renumbers states each judgement once.
func (c *Catalog) inherit(other *Catalog) {
	for i := range c.Controls {
		ctl := &c.Controls[i]
		eq := other.Control(ctl.Equivalent)
		if ctl.Title == "" {
			ctl.Title = eq.Title
		}
		if ctl.Automation == "" {
			ctl.Automation = eq.Automation
			if ctl.Review == "" {
				ctl.Review = eq.Review
			}
		}
		if ctl.Facts == nil {
			ctl.Facts = eq.Facts
		}
		if ctl.NotApplicableWhen == nil {
			ctl.NotApplicableWhen = eq.NotApplicableWhen
		}
	}
}

var controlID = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

// Parse reads and validates one catalog document.
func Parse(data []byte) (*Catalog, error) {
	var c Catalog
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	sum := sha256Hex(data)
	c.Digest = "sha256:" + sum
	if c.ID == "" || c.Title == "" || c.Source == "" || c.Numbering == "" {
		return nil, fmt.Errorf("id, title, source and numbering are required")
	}
	if c.CatalogVersion < 1 {
		return nil, fmt.Errorf("catalog_version must be 1 or more")
	}
	groups := map[string]bool{}
	for _, g := range c.Groups {
		if g.ID == "" || g.Title == "" || groups[g.ID] {
			return nil, fmt.Errorf("group %q: id and title are required and ids unique", g.ID)
		}
		groups[g.ID] = true
	}
	c.index = map[string]int{}
	for i, ctl := range c.Controls {
		switch {
		case !controlID.MatchString(ctl.ID):
			return nil, fmt.Errorf("control %q: id must be dotted numbers", ctl.ID)
		case ctl.Title == "" && ctl.Equivalent == "":
			return nil, fmt.Errorf("control %s: title is required", ctl.ID)
		case !groups[ctl.Group]:
			return nil, fmt.Errorf("control %s: unknown group %q", ctl.ID, ctl.Group)
		case !strings.HasPrefix(ctl.ID, ctl.Group+"."):
			return nil, fmt.Errorf("control %s is not inside its group %s", ctl.ID, ctl.Group)
		case ctl.Automation != Full && ctl.Automation != Partial && ctl.Automation != Manual && !(ctl.Automation == "" && ctl.Equivalent != ""):
			return nil, fmt.Errorf("control %s: automation %q (want full, partial or manual)", ctl.ID, ctl.Automation)
		case ctl.Risk != "" && !controlID.MatchString(ctl.Risk):
			return nil, fmt.Errorf("control %s: risk %q must be a section number", ctl.ID, ctl.Risk)
		case ctl.Equivalent != "" && c.EquivalentFramework == "":
			return nil, fmt.Errorf("control %s: equivalent set but the catalog has no equivalent_framework", ctl.ID)
		}
		if _, dup := c.index[ctl.ID]; dup {
			return nil, fmt.Errorf("control %s is listed twice", ctl.ID)
		}
		for _, f := range ctl.Facts {
			if !slices.Contains(knownFacts, f) {
				return nil, fmt.Errorf("control %s: unknown fact %q (known: %s)", ctl.ID, f, strings.Join(knownFacts, ", "))
			}
		}
		for _, n := range ctl.NotApplicableWhen {
			if !slices.Contains(knownConditions, n) {
				return nil, fmt.Errorf("control %s: unknown condition %q (known: %s)", ctl.ID, n, strings.Join(knownConditions, ", "))
			}
		}
		c.Controls[i].Review = strings.TrimSpace(ctl.Review)
		c.index[ctl.ID] = i
	}
	if len(c.Controls) == 0 {
		return nil, fmt.Errorf("catalog lists no controls")
	}
	return &c, nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
