package suppress

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/secrets"
)

// BaselineVersion identifies the baseline file layout; it changes only on
// an incompatible change.
const BaselineVersion = "hardline.baseline/v1"

// DefaultBaselineFile is where `hardline baseline create` writes.
const DefaultBaselineFile = ".hardline-baseline.json"

// maxBaselineSize bounds what is read: a baseline of 100,000 findings is
// about 30 MB.
const maxBaselineSize = 64 << 20

// maxMessage bounds an entry's message: it is there for people reading a
// diff of the file, not for matching.
const maxMessage = 160

// Baseline is a set of accepted findings, identified by fingerprint. A
// finding whose fingerprint is in the baseline is reported as suppressed
// (kind "baseline"); everything else is new.
type Baseline struct {
	SchemaVersion string          `json:"schema_version"`
	Findings      []BaselineEntry `json:"findings"`

	// Path is the file the baseline was read from, the suppressions'
	// source.
	Path  string         `json:"-"`
	index map[string]int // fingerprint → entry
}

// BaselineEntry is one accepted finding. Only Fingerprint is matched; the
// other fields tell people reading the file what it is about.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	RuleID      string `json:"rule_id"`
	// File is the Dockerfile, or for an image finding not on a Dockerfile
	// line the image as it was reported.
	File string `json:"file"`
	// Image is set for image findings: the image as it was reported.
	Image string `json:"image,omitempty"`
	// Message is the finding's message (secrets in it are masked, as in
	// every report), shortened.
	Message string `json:"message"`
}

// BaselineError is a baseline file that cannot be used; its message is one
// line naming the file.
type BaselineError struct {
	File string
	Msg  string
}

func (e *BaselineError) Error() string { return "baseline " + e.File + ": " + e.Msg }

var fingerprintRe = regexp.MustCompile(`^[0-9a-f]{32}$`)

// NewBaseline accepts the findings that count today: those neither
// suppressed nor matched by an expired waiver (a lapsed waiver is a
// deadline a baseline must not extend). The entries are sorted by file,
// rule and fingerprint, and identical fingerprints (the same finding in
// two images) are kept once, so the file is the same for the same findings
// in any order.
func NewBaseline(fs []finding.Finding) *Baseline {
	var all []BaselineEntry
	for i := range fs {
		f := &fs[i]
		if f.Suppressed != nil || f.ExpiredWaiver != nil || f.Fingerprint == "" {
			continue
		}
		e := BaselineEntry{Fingerprint: f.Fingerprint, RuleID: f.RuleID, File: f.File, Message: entryMessage(f)}
		if f.Image != nil {
			e.Image = f.Image.Name
		}
		all = append(all, e)
	}
	sort.Slice(all, func(i, j int) bool {
		x, y := &all[i], &all[j]
		if x.File != y.File {
			return x.File < y.File
		}
		if x.RuleID != y.RuleID {
			return x.RuleID < y.RuleID
		}
		if x.Fingerprint != y.Fingerprint {
			return x.Fingerprint < y.Fingerprint
		}
		if x.Image != y.Image {
			return x.Image < y.Image
		}
		return x.Message < y.Message
	})
	// Sorted first, so that of two findings with one fingerprint the same
	// one is kept whatever the input order.
	b := &Baseline{SchemaVersion: BaselineVersion, Findings: []BaselineEntry{}}
	seen := map[string]bool{}
	for _, e := range all {
		if !seen[e.Fingerprint] {
			seen[e.Fingerprint] = true
			b.Findings = append(b.Findings, e)
		}
	}
	b.reindex()
	return b
}

// entryMessage is the finding's message on one line, shortened. Reporters
// already mask secrets in messages; one the detector still recognises (a
// custom rule printing a raw value) is replaced by the rule's title rather
// than written to a file people commit.
func entryMessage(f *finding.Finding) string {
	msg := strings.Join(strings.Fields(f.Message), " ")
	if msg == "" || len(secrets.Default().ScanText(msg)) > 0 {
		msg = f.Title
	}
	if utf8.RuneCountInString(msg) > maxMessage {
		r := []rune(msg)
		msg = strings.TrimSpace(string(r[:maxMessage-1])) + "…"
	}
	return msg
}

// Encode renders the baseline as indented JSON with a final newline.
func (b *Baseline) Encode() ([]byte, error) {
	doc := struct {
		SchemaVersion string          `json:"schema_version"`
		Findings      []BaselineEntry `json:"findings"`
	}{BaselineVersion, b.Findings}
	if doc.Findings == nil {
		doc.Findings = []BaselineEntry{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReadBaseline reads and validates the baseline file at path.
func ReadBaseline(path string) (*Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &BaselineError{File: path, Msg: "not found (write one with 'hardline baseline create -o " + path + "')"}
		}
		return nil, &BaselineError{File: path, Msg: oneLine(err.Error())}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, &BaselineError{File: path, Msg: "is a directory"}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxBaselineSize+1))
	if err != nil {
		return nil, &BaselineError{File: path, Msg: oneLine(err.Error())}
	}
	if len(data) > maxBaselineSize {
		return nil, &BaselineError{File: path, Msg: fmt.Sprintf("larger than the %d-byte limit for a baseline", maxBaselineSize)}
	}
	return ParseBaseline(path, data)
}

// ParseBaseline parses baseline data; path names it in errors and as the
// source of the suppressions it makes.
func ParseBaseline(path string, data []byte) (*Baseline, error) {
	bad := func(format string, a ...any) error {
		return &BaselineError{File: path, Msg: oneLine(fmt.Sprintf(format, a...))}
	}
	var b Baseline
	if err := json.Unmarshal(data, &b); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, bad("not a hardline baseline: invalid JSON at byte %d: %v", se.Offset, err)
		}
		return nil, bad("not a hardline baseline: %v", err)
	}
	if b.SchemaVersion != BaselineVersion {
		if b.SchemaVersion == "" {
			return nil, bad("not a hardline baseline: no schema_version (want %q)", BaselineVersion)
		}
		if strings.HasPrefix(b.SchemaVersion, "hardline.findings/") {
			return nil, bad("is a findings report, not a baseline: write one with 'hardline baseline create'")
		}
		return nil, bad("schema_version %q is not supported (want %q): write it again with 'hardline baseline create'", b.SchemaVersion, BaselineVersion)
	}
	for i, e := range b.Findings {
		if !fingerprintRe.MatchString(e.Fingerprint) {
			return nil, bad("findings[%d]: fingerprint %q is not a finding fingerprint (32 lower-case hex digits)", i, e.Fingerprint)
		}
	}
	if b.Findings == nil {
		b.Findings = []BaselineEntry{}
	}
	b.Path = path
	b.reindex()
	return &b, nil
}

func (b *Baseline) reindex() {
	b.index = make(map[string]int, len(b.Findings))
	for i, e := range b.Findings {
		if _, dup := b.index[e.Fingerprint]; !dup {
			b.index[e.Fingerprint] = i
		}
	}
}

// Contains reports whether the baseline accepts a finding fingerprint.
func (b *Baseline) Contains(fingerprint string) bool {
	_, ok := b.index[fingerprint]
	return ok
}

// BaselineStats is what applying a baseline did.
type BaselineStats struct {
	// Suppressed counts the findings the baseline suppressed.
	Suppressed int
	// Fixed counts the baseline's entries for the inputs of this run that
	// match no finding any more: fixed since the baseline was written.
	Fixed int
}

// Apply marks the findings the baseline accepts as suppressed (kind
// "baseline", source the baseline's path). Findings already suppressed, or
// matched by an expired waiver, are left as they are. inputs are the run's
// inputs (Dockerfile paths and image names, as findings report them): an
// entry counts as fixed only when its input was scanned, so linting part
// of a repository does not report the rest as fixed. Image entries are
// matched to inputs without the registry digest, which changes with every
// push.
func (b *Baseline) Apply(fs []finding.Finding, inputs []string) BaselineStats {
	var st BaselineStats
	seen := make([]bool, len(b.Findings))
	for i := range fs {
		f := &fs[i]
		j, ok := b.index[f.Fingerprint]
		if !ok {
			continue
		}
		seen[j] = true
		if f.Suppressed != nil || f.ExpiredWaiver != nil {
			continue
		}
		f.Suppressed = &finding.Suppression{Kind: "baseline", Reason: "accepted in the baseline", Source: b.Path}
		st.Suppressed++
	}
	files := map[string]bool{}
	images := map[string]bool{}
	for _, in := range inputs {
		files[in] = true
		images[withoutDigest(in)] = true
	}
	for j, e := range b.Findings {
		if seen[j] {
			continue
		}
		if i, ok := b.index[e.Fingerprint]; ok && i != j {
			continue // a duplicate entry: counted once
		}
		if (e.Image == "" && files[e.File]) || (e.Image != "" && images[withoutDigest(e.Image)]) {
			st.Fixed++
		}
	}
	return st
}

// withoutDigest drops the "@sha256:…" hardline appends to registry images.
func withoutDigest(name string) string {
	if i := strings.LastIndex(name, "@"); i > 0 && strings.Contains(name[i:], ":") {
		return name[:i]
	}
	return name
}

// Diff counts the entries of b that old lacks (added) and old's entries
// that b lacks (dropped), for `hardline baseline create` to say what
// changed when it rewrites a baseline.
func (b *Baseline) Diff(old *Baseline) (added, dropped int) {
	for _, e := range b.Findings {
		if !old.Contains(e.Fingerprint) {
			added++
		}
	}
	for _, e := range old.Findings {
		if !b.Contains(e.Fingerprint) {
			dropped++
		}
	}
	return added, dropped
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
