package image

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/hardline-dev/hardline/pkg/dockerfile"
	"github.com/hardline-dev/hardline/pkg/image/source"
	"github.com/hardline-dev/hardline/pkg/image/walk"
	"github.com/hardline-dev/hardline/pkg/secrets"
	"github.com/hardline-dev/hardline/pkg/shellcmd"
)

// Options configure Build.
type Options struct {
	// MaxFileBytes caps how much of one file is read for content checks
	// (0: walk.DefaultMaxFileBytes).
	MaxFileBytes int64
	// Workers bounds concurrent layer reads, and the goroutines that scan
	// file content for secrets (0: GOMAXPROCS).
	Workers int
	// Dockerfile, when set, is the Dockerfile the image was built from;
	// history entries are matched to its instructions.
	Dockerfile *dockerfile.Document
	// Secrets is the detector (nil: secrets.Default()).
	Secrets *secrets.Detector
	// NoFileSecrets turns off scanning the content of every file for
	// secrets; well-known credential files (SSH keys, .npmrc, kubeconfig
	// …) are still checked.
	NoFileSecrets bool
	// SkipPaths are doublestar globs of absolute paths whose content is not
	// checked for secrets, by the content scan nor as credential files.
	// nil means DefaultSkipPaths; an empty, non-nil list checks every path.
	// To add patterns, append to DefaultSkipPaths.
	SkipPaths []string
}

// maxListed bounds the skipped-content list carried in the document; the
// total is still reported as a warning.
const maxListed = 1000

// Build reads the image's config and every layer once and returns its facts.
func Build(ctx context.Context, img *source.Image, opts Options) (doc *Document, err error) {
	// Every caller (lint, facts) gets an error, never a crash, whatever a
	// hostile image makes the fact builders meet.
	defer func() {
		if p := recover(); p != nil {
			doc, err = nil, fmt.Errorf("internal error while building facts (please report): %v", p)
		}
	}()
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	b := newBuilder(img, opts)
	b.skipPatterns = opts.SkipPaths
	if b.skipPatterns == nil {
		b.skipPatterns = DefaultSkipPaths
	}
	skip, err := compileSkipPaths(b.skipPatterns)
	if err != nil {
		return nil, err
	}
	b.skip = skip
	if !opts.NoFileSecrets {
		b.pool = newScanPool(ctx, b.baseDet, skip, workers)
		defer b.pool.close()
	}
	layers, err := source.ReadLayers(ctx, img, workers, func(ctx context.Context, l source.Layer, r io.Reader) (*walk.Layer, error) {
		wo := walk.Options{Capture: capture, MaxFileBytes: opts.MaxFileBytes, ELF: true}
		var ls *layerScan
		if b.pool != nil {
			ls = b.pool.layer()
			wo.Scan = ls
		}
		wl, err := walk.ReadLayer(ctx, l.Index, r, wo)
		if err == nil && ls != nil {
			b.pool.done(wl, ls)
		}
		return wl, err
	})
	if b.pool != nil {
		b.pool.close() // every queued file scanned
	}
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Single-pass sources may not know a layer's position while reading it;
	// positions are fixed here, once the order is known.
	for i, l := range layers {
		l.Index = i
		for _, e := range l.Entries {
			e.Layer = i
		}
		for k := range l.Skipped {
			l.Skipped[k].Layer = i
		}
	}
	b.layers = layers
	b.view = walk.Squash(layers)
	b.build()
	return b.doc, nil
}

type builder struct {
	img     *source.Image
	opts    Options
	baseDet *secrets.Detector // without a collector, for the scan workers
	det     *secrets.Detector
	chk     checker // credential-file checks collecting into collected
	// pool scans file content while layers are read (nil: turned off).
	pool         *scanPool
	skip         *pathMatcher // paths not checked for secrets
	skipPatterns []string
	doc          *Document
	layers       []*walk.Layer
	view         *walk.View

	collected []string          // exact secret values seen by the detector
	redact    map[string]bool   // all exact secret values
	owner     map[string]string // path → owning OS package
	dirCache  map[string]string // directory → its resolved path ("" when none)
	hiddenBy  map[*walk.Entry]int
	binDirs   []string
}

func newBuilder(img *source.Image, opts Options) *builder {
	b := &builder{img: img, opts: opts, redact: map[string]bool{}, owner: map[string]string{}, hiddenBy: map[*walk.Entry]int{}}
	det := opts.Secrets
	if det == nil {
		det = secrets.Default()
	}
	b.baseDet = det
	b.det = det.WithCollector(func(v string) { b.collected = append(b.collected, v) })
	b.chk = checker{det: b.det, collect: func(v string) { b.collected = append(b.collected, v) }}
	b.doc = &Document{
		SchemaVersion:   SchemaVersion,
		Kind:            "image",
		History:         []History{},
		Layers:          []Layer{},
		Users:           []User{},
		Groups:          []Group{},
		Programs:        map[string][]ProgramPath{},
		ELF:             []ELFFile{},
		Wheels:          []Wheel{},
		Setuid:          []FileRef{},
		WorldWritable:   []FileRef{},
		AccountFiles:    []FileRef{},
		PackageCaches:   []PackageCache{},
		CredentialFiles: []CredentialFile{},
		Secrets:         []Secret{},
		Skipped:         []Skipped{},
		Warnings:        []string{},
		Packages:        Packages{List: []Package{}},
		Libc:            Libc{Kind: "none", Loaders: []string{}},
	}
	return b
}

// take returns the values the detector collected since the last call and
// remembers them for redaction.
func (b *builder) take() []string {
	v := b.collected
	b.collected = nil
	for _, s := range v {
		if s != "" {
			b.redact[s] = true
		}
	}
	return v
}

func (b *builder) warnf(format string, args ...any) {
	b.doc.Warnings = append(b.doc.Warnings, fmt.Sprintf(format, args...))
}

func (b *builder) build() {
	b.doc.Warnings = append(b.doc.Warnings, b.img.Warnings...) // e.g. a platform other than the one asked for
	for _, h := range b.view.Hidden {
		b.hiddenBy[h.Entry] = h.By
	}
	b.imageRef()
	b.config()
	b.history()
	b.layerFacts()
	b.packages() // before anything that names owning packages
	b.osAndUsers()
	b.libc()
	b.programs()
	b.exec()
	b.elfFiles()
	b.wheels()
	b.permissions()
	b.accountFiles()
	b.packageCaches()
	b.credentialFiles()
	b.fileSecrets()
	b.scanFacts()
	b.skipped()
	if b.opts.Dockerfile != nil {
		correlate(b.doc, b.opts.Dockerfile)
	}
	b.finishSecrets()
}

func (b *builder) imageRef() {
	r := &b.doc.Image
	r.Ref, r.Name, r.Transport, r.Digest = b.img.Ref, b.img.Name, b.img.Transport, b.img.Digest
	if len(b.img.RawConfig) > 0 {
		sum := sha256.Sum256(b.img.RawConfig)
		r.ConfigDigest = "sha256:" + hex.EncodeToString(sum[:])
	}
	r.Format = imageFormat(b.img.Layers)
	if c := b.img.Config; c != nil {
		r.OS, r.Architecture, r.Variant = c.OS, c.Architecture, c.Variant
	}
}

func (b *builder) config() {
	c := &b.doc.Config
	c.Entrypoint, c.Cmd, c.Env, c.ExposedPorts, c.Labels, c.Volumes = []string{}, []string{}, []EnvVar{}, []string{}, map[string]string{}, []string{}
	if b.img.Config == nil {
		return
	}
	cfg := b.img.Config.Config
	c.User = cfg.User
	c.Entrypoint = append(c.Entrypoint, cfg.Entrypoint...)
	c.Cmd = append(c.Cmd, cfg.Cmd...)
	c.WorkingDir = cfg.WorkingDir
	c.StopSignal = cfg.StopSignal
	c.Shell = cfg.Shell
	for _, kv := range cfg.Env {
		name, value, _ := strings.Cut(kv, "=")
		ev := EnvVar{Name: name, Value: value}
		if m := b.det.CheckValue(name, value); m != nil {
			vals := b.take()
			ev.Value, ev.Secret = m.Masked, true
			b.addSecret(Secret{Match: *m, Source: "env", Name: name, History: -1, Layer: -1, RemovedIn: -1}, vals)
		} else {
			b.take()
		}
		c.Env = append(c.Env, ev)
	}
	for p := range cfg.ExposedPorts {
		c.ExposedPorts = append(c.ExposedPorts, p)
	}
	sort.Strings(c.ExposedPorts)
	for v := range cfg.Volumes {
		c.Volumes = append(c.Volumes, v)
	}
	sort.Strings(c.Volumes)
	keys := make([]string, 0, len(cfg.Labels))
	for k := range cfg.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := cfg.Labels[k]
		if m := b.det.CheckValue(k, v); m != nil {
			vals := b.take()
			v = m.Masked
			b.addSecret(Secret{Match: *m, Source: "label", Name: k, History: -1, Layer: -1, RemovedIn: -1}, vals)
		} else {
			b.take()
		}
		c.Labels[k] = v
	}
	if hc := cfg.Healthcheck; hc != nil {
		c.Healthcheck = &Healthcheck{Test: append([]string{}, hc.Test...)}
	}
	// Credentials passed on the command line the container starts with
	// (`curl -u user:pass`, `--password=...`) are in the config for
	// anyone who pulls the image.
	for _, x := range []struct {
		name string
		argv []string
	}{{"Entrypoint", cfg.Entrypoint}, {"Cmd", cfg.Cmd}, {"Healthcheck", healthArgv(cfg.Healthcheck)}} {
		if len(x.argv) == 0 {
			continue
		}
		seen := map[string]bool{}
		ms := b.det.ScanArgv(x.argv)
		for _, a := range x.argv {
			ms = append(ms, b.det.ScanText(a)...)
			// `sh -c "curl -u user:pass ..."` and CMD-SHELL strings are
			// scripts: their commands' argv show options in context.
			if strings.ContainsAny(a, " \t") {
				for _, cmd := range shellcmd.Parse(a, nil).Commands {
					ms = append(ms, b.det.ScanArgv(cmd.Argv)...)
				}
			}
		}
		vals := b.take()
		for _, m := range ms {
			if !seen[m.Fingerprint] {
				seen[m.Fingerprint] = true
				b.addSecret(Secret{Match: m, Source: "config", Name: x.name, History: -1, Layer: -1, RemovedIn: -1}, vals)
			}
		}
		masked := secrets.MaskIn(strings.Join(x.argv, "\x00"), vals)
		parts := strings.Split(masked, "\x00")
		switch x.name {
		case "Entrypoint":
			c.Entrypoint = parts
		case "Cmd":
			c.Cmd = parts
		case "Healthcheck":
			c.Healthcheck.Test = append(c.Healthcheck.Test[:len(c.Healthcheck.Test)-len(parts)], parts...)
		}
	}
}

// healthArgv is what a healthcheck runs: CMD's argv, or CMD-SHELL's string.
func healthArgv(hc *v1.HealthConfig) []string {
	if hc == nil || len(hc.Test) < 2 || hc.Test[0] == "NONE" {
		return nil
	}
	return hc.Test[1:]
}

// addSecret records a secret once per (source, name, fingerprint).
func (b *builder) addSecret(s Secret, _ []string) {
	for _, o := range b.doc.Secrets {
		if o.Source == s.Source && o.Name == s.Name && o.Fingerprint == s.Fingerprint && o.History == s.History && o.Path == s.Path && o.Layer == s.Layer {
			return
		}
	}
	b.doc.Secrets = append(b.doc.Secrets, s)
}

func (b *builder) layerFacts() {
	for i, l := range b.layers {
		ly := Layer{Index: i, Size: -1, History: -1, Files: l.Count}
		if i < len(b.img.Layers) {
			sl := b.img.Layers[i]
			ly.Digest, ly.DiffID, ly.Size = sl.Digest, sl.DiffID, sl.Size
		}
		b.doc.Layers = append(b.doc.Layers, ly)
	}
	// Attribute layers to history entries: each non-empty entry made the
	// next layer. When the counts disagree (squashed or hand-made images)
	// any attribution would be a guess, so none is made.
	var made []int
	for i, h := range b.doc.History {
		if !h.EmptyLayer {
			made = append(made, i)
		}
	}
	if len(made) != len(b.doc.Layers) {
		if len(b.doc.History) > 0 {
			b.warnf("the history records %d layers but the image has %d; layers are not attributed to history entries", len(made), len(b.doc.Layers))
		}
		for i := range b.doc.History {
			b.doc.History[i].Layer = -1
		}
		return
	}
	// A layer credited to an instruction that makes no files (buildah
	// --squash and similar credit the one squashed layer to the final
	// ENTRYPOINT) means the history does not describe the layers.
	for li, hi := range made {
		if metadataOnly[b.doc.History[hi].Instruction] {
			b.warnf("layer %d is credited to a %s history entry, which makes no files: the image was probably squashed; layers are not attributed to history entries", li, b.doc.History[hi].Instruction)
			return
		}
	}
	for li, hi := range made {
		b.doc.History[hi].Layer = li
		b.doc.Layers[li].History = hi
	}
}

// metadataOnly are the instructions that change only the configuration.
var metadataOnly = map[string]bool{
	"CMD": true, "ENTRYPOINT": true, "ENV": true, "LABEL": true, "USER": true, "EXPOSE": true,
	"STOPSIGNAL": true, "HEALTHCHECK": true, "SHELL": true, "ARG": true, "VOLUME": true,
	"ONBUILD": true, "MAINTAINER": true,
}

func (b *builder) skipped() {
	n := 0
	for _, l := range b.layers {
		for _, s := range l.Skipped {
			n++
			if len(b.doc.Skipped) < maxListed {
				b.doc.Skipped = append(b.doc.Skipped, Skipped{Path: s.Path, Layer: s.Layer, Reason: s.Reason})
			}
		}
	}
	if n > maxListed {
		b.warnf("%d files were not fully checked; the first %d are listed", n, maxListed)
	}
}

// finishSecrets sorts secrets and fixes the redaction list.
func (b *builder) finishSecrets() {
	b.take()
	slices.SortStableFunc(b.doc.Secrets, func(x, y Secret) int {
		return strings.Compare(x.Source+"\x00"+x.Name+"\x00"+x.Path, y.Source+"\x00"+y.Name+"\x00"+y.Path)
	})
	for v := range b.redact {
		b.doc.redactions = append(b.doc.redactions, v)
	}
	sort.Slice(b.doc.redactions, func(i, j int) bool {
		x, y := b.doc.redactions[i], b.doc.redactions[j]
		if len(x) != len(y) {
			return len(x) > len(y)
		}
		return x < y
	})
	// A value found in one place (a --password=... in Entrypoint) may be
	// recorded elsewhere too (the ENTRYPOINT history entry): mask every
	// value everywhere text is carried.
	vals := b.doc.redactions
	for i := range b.doc.History {
		b.doc.History[i].CreatedBy = secrets.MaskIn(b.doc.History[i].CreatedBy, vals)
		if r := b.doc.History[i].Run; r != nil {
			r.mask(vals)
		}
	}
	c := &b.doc.Config
	for _, list := range [][]string{c.Entrypoint, c.Cmd, c.Shell} {
		for i := range list {
			list[i] = secrets.MaskIn(list[i], vals)
		}
	}
	if c.Healthcheck != nil {
		for i := range c.Healthcheck.Test {
			c.Healthcheck.Test[i] = secrets.MaskIn(c.Healthcheck.Test[i], vals)
		}
	}
	for i := range c.Env {
		c.Env[i].Value = secrets.MaskIn(c.Env[i].Value, vals)
	}
	for k, v := range c.Labels {
		c.Labels[k] = secrets.MaskIn(v, vals)
	}
}

// resolved returns the regular file p names in the squashed view, following
// symlinks and hardlinks inside the image.
func (b *builder) resolved(p string) (string, *walk.Entry, bool) {
	rp, e, ok := b.view.Resolve(p)
	if !ok || e == nil || e.Type != walk.File {
		return "", nil, false
	}
	return rp, e, true
}

// content returns the squashed content of p (following symlinks).
func (b *builder) content(p string) ([]byte, bool) {
	_, e, ok := b.resolved(p)
	if !ok || e.Content == nil {
		return nil, false
	}
	return e.Content, true // a truncated file is in the skipped list already
}

// capture selects the files whose content facts are built from. It runs
// for every regular file of every layer, so it only looks at the path.
func capture(p string, size int64) bool {
	switch p {
	case "/etc/os-release", "/usr/lib/os-release", "/etc/passwd", "/etc/group",
		"/lib/apk/db/installed", "/var/lib/dpkg/status":
		return true
	}
	if strings.HasPrefix(p, "/var/lib/dpkg/status.d/") {
		return !strings.HasSuffix(p, ".md5sums")
	}
	if strings.HasPrefix(p, "/var/lib/dpkg/info/") {
		return strings.HasSuffix(p, ".list")
	}
	if strings.HasSuffix(p, ".dist-info/WHEEL") {
		return true
	}
	if size <= maxScript && entrypointScript(p) {
		return true
	}
	return size <= maxCredentialFile && credentialKind(p) != ""
}

// maxScript bounds captured entrypoint scripts.
const maxScript = 256 << 10

var scriptName = regexp.MustCompile(`^(docker-)?(entrypoint|entry|start|run|boot|init|launch|startup)([-_.].*)?$`)

// entrypointScript selects files that may be the script a container starts,
// so that whether it drops privileges can be judged from its text. Library
// and documentation trees hold thousands of .sh files nobody starts.
func entrypointScript(p string) bool {
	for _, skip := range []string{"/usr/share/", "/usr/lib/", "/lib/", "/usr/include/", "/usr/src/", "/etc/", "/proc/", "/sys/"} {
		if strings.HasPrefix(p, skip) {
			return false
		}
	}
	base := path.Base(p)
	return strings.HasSuffix(base, ".sh") || scriptName.MatchString(base)
}
