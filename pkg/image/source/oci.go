package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	annotationRefName       = "org.opencontainers.image.ref.name"
	annotationContainerName = "io.containerd.image.name"
	// BuildKit lists provenance and SBOM attestations in an index next to the images they
	// describe; they are not images to pick.
	annotationReferenceType = "vnd.docker.reference.type"
	// maxNesting bounds index → index chains: Docker writes two levels, nothing legitimate
	// writes more than a few, and content addressing is not checked for every index we follow.
	maxNesting = 8
)

// resolved is an image pinned down to a manifest and config, with where each layer's blob lives.
type resolved struct {
	digest      string
	indexDigest string
	config      *v1.ConfigFile
	rawConfig   []byte
	layers      []Layer
	paths       []string   // member name of each layer's blob in the store
	urls        [][]string // foreign layers' download locations, for error messages
}

func (r *resolved) apply(img *Image) {
	img.Digest = r.digest
	img.IndexDigest = r.indexDigest
	img.Config = r.config
	img.RawConfig = r.rawConfig
	img.Layers = r.layers
	img.Platform = platformString(r.config)
}

func platformString(cfg *v1.ConfigFile) string {
	if cfg == nil || cfg.OS == "" {
		return ""
	}
	s := cfg.OS + "/" + cfg.Architecture
	if cfg.Variant != "" {
		s += "/" + cfg.Variant
	}
	return s
}

// ociSelector names the image wanted from an OCI index: a tag, a digest, or neither.
type ociSelector struct {
	tag    string
	digest string
}

// resolveOCI picks one image from an OCI layout (a directory or an archive's members) and reads
// its manifest and config. where ("layout", "archive") words the errors.
func resolveOCI(st blobStore, sel ociSelector, want v1.Platform, strict bool, where string) (*resolved, error) {
	raw, err := st.readMeta("index.json")
	if errors.Is(err, errNotFound) {
		return nil, fmt.Errorf("no index.json: not an OCI image %s", where)
	}
	if err != nil {
		return nil, err
	}
	idx, err := parseIndex(raw)
	if err != nil {
		return nil, fmt.Errorf("index.json: %w", err)
	}
	present := func(d v1.Descriptor) bool { _, ok := st.size(blobPath(d.Digest)); return ok }
	res := &resolved{}

	var desc v1.Descriptor
	switch {
	case sel.digest != "":
		d, parent, ok := findDigest(st, idx, sel.digest, 0)
		if !ok {
			return nil, fmt.Errorf("no manifest %s in the %s", sel.digest, where)
		}
		desc, res.indexDigest = d, parent
	case sel.tag != "":
		var matches []v1.Descriptor
		for _, d := range idx.Manifests {
			if tagMatches(d, sel.tag) {
				matches = append(matches, d)
			}
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("no image tagged %s in the %s (%s)", sel.tag, where, describeTags(idx))
		}
		if len(matches) == 1 {
			desc = matches[0]
		} else if desc, err = pickPlatform(matches, want, strict, present); err != nil {
			return nil, fmt.Errorf("tag %s: %w", sel.tag, err)
		}
	default:
		cands := images(idx.Manifests)
		switch {
		case len(cands) == 0:
			return nil, fmt.Errorf("the %s's index.json lists no images", where)
		case len(cands) == 1:
			desc = cands[0]
		case len(tagsOf(cands)) > 1:
			return nil, fmt.Errorf("the %s holds %d images; name one by tag or @digest (%s)", where, len(cands), describeTags(idx))
		default:
			// An index.json may itself be a multi-platform index (crane, skopeo).
			if desc, err = pickPlatform(cands, want, strict, present); err != nil {
				return nil, err
			}
		}
	}
	return resolveDescriptor(st, desc, want, strict, res, present)
}

// resolveDescriptor follows indexes down to an image manifest, picking by platform.
func resolveDescriptor(st blobStore, desc v1.Descriptor, want v1.Platform, strict bool, res *resolved, present func(v1.Descriptor) bool) (*resolved, error) {
	for range maxNesting {
		raw, err := readBlob(st, desc)
		if err != nil {
			return nil, err
		}
		mt := desc.MediaType
		if mt == "" {
			mt = sniffManifestType(raw)
		}
		switch {
		case mt.IsIndex():
			if res.indexDigest == "" {
				res.indexDigest = desc.Digest.String()
			}
			idx, err := parseIndex(raw)
			if err != nil {
				return nil, fmt.Errorf("index %s: %w", shortDigest(desc.Digest.String()), err)
			}
			if desc, err = pickPlatform(idx.Manifests, want, strict, present); err != nil {
				return nil, err
			}
		case mt.IsImage():
			return fromManifest(st, desc, raw, res)
		case mt.IsSchema1():
			return nil, errors.New("schema 1 manifests (a legacy Docker format) are not supported")
		default:
			return nil, fmt.Errorf("%s is a %s, not a container image", shortDigest(desc.Digest.String()), mt)
		}
	}
	return nil, errors.New("indexes are nested too deeply")
}

// fromManifest reads an image manifest's config and lays out its layers.
func fromManifest(st blobStore, desc v1.Descriptor, raw []byte, res *resolved) (*resolved, error) {
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", shortDigest(desc.Digest.String()), err)
	}
	if err := checkConfigType(m.Config.MediaType); err != nil {
		return nil, err
	}
	rawCfg, err := readBlob(st, m.Config)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := parseConfig(rawCfg)
	if err != nil {
		return nil, err
	}
	if err := checkLayerCount(len(m.Layers), cfg); err != nil {
		return nil, err
	}
	res.digest = desc.Digest.String()
	res.config, res.rawConfig = cfg, rawCfg
	res.layers = make([]Layer, len(m.Layers))
	res.paths = make([]string, len(m.Layers))
	res.urls = make([][]string, len(m.Layers))
	for i, l := range m.Layers {
		res.layers[i] = Layer{
			Index:     i,
			Digest:    l.Digest.String(),
			DiffID:    cfg.RootFS.DiffIDs[i].String(),
			MediaType: string(l.MediaType),
			Size:      l.Size,
		}
		res.paths[i] = blobPath(l.Digest)
		res.urls[i] = l.URLs
	}
	return res, nil
}

func checkConfigType(mt types.MediaType) error {
	switch mt {
	case "", types.DockerConfigJSON, types.OCIConfigJSON:
		return nil
	}
	return fmt.Errorf("the manifest describes a %s artifact, not a container image", mt)
}

func checkLayerCount(n int, cfg *v1.ConfigFile) error {
	if n != len(cfg.RootFS.DiffIDs) {
		return fmt.Errorf("the manifest lists %d layers but the config has %d diff_ids", n, len(cfg.RootFS.DiffIDs))
	}
	return nil
}

func parseConfig(raw []byte) (*v1.ConfigFile, error) {
	cfg, err := v1.ParseConfigFile(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}

func parseIndex(raw []byte) (*v1.IndexManifest, error) {
	idx, err := v1.ParseIndexManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return idx, nil
}

// sniffManifestType recognises a manifest whose descriptor omitted the media type.
func sniffManifestType(raw []byte) types.MediaType {
	var probe struct {
		MediaType types.MediaType `json:"mediaType"`
		Manifests json.RawMessage `json:"manifests"`
		Config    json.RawMessage `json:"config"`
	}
	if json.Unmarshal(raw, &probe) != nil {
		return ""
	}
	switch {
	case probe.MediaType != "":
		return probe.MediaType
	case probe.Manifests != nil:
		return types.OCIImageIndex
	case probe.Config != nil:
		return types.OCIManifestSchema1
	}
	return ""
}

// findDigest looks for a manifest by digest among an index's entries and, failing that, in the
// indexes it references, so that oci:DIR@DIGEST can name a platform-specific manifest too.
func findDigest(st blobStore, idx *v1.IndexManifest, digest string, depth int) (v1.Descriptor, string, bool) {
	for _, d := range idx.Manifests {
		if d.Digest.String() == digest {
			return d, "", true
		}
	}
	if depth >= maxNesting {
		return v1.Descriptor{}, "", false
	}
	for _, d := range idx.Manifests {
		if !d.MediaType.IsIndex() {
			continue
		}
		raw, err := readBlob(st, d)
		if err != nil {
			continue
		}
		child, err := parseIndex(raw)
		if err != nil {
			continue
		}
		if found, parent, ok := findDigest(st, child, digest, depth+1); ok {
			if parent == "" {
				parent = d.Digest.String()
			}
			return found, parent, true
		}
	}
	return v1.Descriptor{}, "", false
}

// tagMatches accepts the OCI ref.name annotation and containerd's full image name (what Docker
// 25+ writes), so that both "1.0" and "app:1.0" find docker.io/library/app:1.0.
func tagMatches(d v1.Descriptor, tag string) bool {
	if rn := d.Annotations[annotationRefName]; rn != "" && (rn == tag || strings.HasSuffix(rn, ":"+tag)) {
		return true
	}
	n := d.Annotations[annotationContainerName]
	return n != "" && (n == tag || strings.HasSuffix(n, ":"+tag) || strings.HasSuffix(n, "/"+tag))
}

func tagsOf(descs []v1.Descriptor) []string {
	seen := map[string]bool{}
	for _, d := range descs {
		if rn := d.Annotations[annotationRefName]; rn != "" {
			seen[rn] = true
		} else if n := d.Annotations[annotationContainerName]; n != "" {
			if i := strings.LastIndexByte(n, ':'); i > strings.LastIndexByte(n, '/') {
				seen[n[i+1:]] = true
			}
		}
	}
	tags := make([]string, 0, len(seen))
	for t := range seen {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	return tags
}

func describeTags(idx *v1.IndexManifest) string {
	tags := tagsOf(idx.Manifests)
	if len(tags) == 0 {
		return "it has no tagged images"
	}
	return "tags: " + strings.Join(tags, ", ")
}

// images drops index entries that are not images to pick (attestations).
func images(descs []v1.Descriptor) []v1.Descriptor {
	out := make([]v1.Descriptor, 0, len(descs))
	for _, d := range descs {
		if d.Annotations[annotationReferenceType] != "" {
			continue
		}
		if d.Platform != nil && d.Platform.OS == "unknown" && d.Platform.Architecture == "unknown" {
			continue
		}
		out = append(out, d)
	}
	return out
}

// pickPlatform chooses an image from an index by platform. Entries whose blobs are absent are
// ignored: `docker save` lists every platform of an index but exports only those it has. When
// the platform was not asked for explicitly and only one image is available, that one is taken,
// since linting an image does not require running it on this machine's architecture.
func pickPlatform(descs []v1.Descriptor, want v1.Platform, strict bool, present func(v1.Descriptor) bool) (v1.Descriptor, error) {
	cands := images(descs)
	avail := make([]v1.Descriptor, 0, len(cands))
	for _, d := range cands {
		if present(d) {
			avail = append(avail, d)
		}
	}
	if len(avail) == 0 {
		if len(cands) == 0 {
			return v1.Descriptor{}, errors.New("the index lists no images")
		}
		return v1.Descriptor{}, fmt.Errorf("none of the %d images the index lists is present (platforms: %s)", len(cands), platformList(cands))
	}
	best, bestScore := -1, 0
	for i, d := range avail {
		if d.Platform == nil {
			continue
		}
		if s := platformScore(want, *d.Platform); s > bestScore {
			best, bestScore = i, s
		}
	}
	if best >= 0 {
		return avail[best], nil
	}
	if len(avail) == 1 && (avail[0].Platform == nil || !strict) {
		return avail[0], nil
	}
	return v1.Descriptor{}, fmt.Errorf("no image for %s in the index (platforms: %s)", platformName(want), platformList(avail))
}

func platformList(descs []v1.Descriptor) string {
	var names []string
	for _, d := range descs {
		n := "unknown"
		if d.Platform != nil {
			n = platformName(*d.Platform)
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

func platformName(p v1.Platform) string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// platformScore is 0 when have cannot run where want is asked for, and higher the closer the
// variant: an exact variant beats the architecture's default variant, which beats any other.
func platformScore(want, have v1.Platform) int {
	if have.OS != want.OS || normArch(have.Architecture) != normArch(want.Architecture) {
		return 0
	}
	arch := normArch(want.Architecture)
	hv, wv := normVariant(arch, have.Variant), normVariant(arch, want.Variant)
	switch {
	case wv != "" && hv == wv:
		return 3
	case wv != "":
		return 0
	case hv == normVariant(arch, defaultVariant(arch)):
		return 2
	default:
		return 1
	}
}

func normArch(a string) string {
	switch a {
	case "x86_64", "x86-64":
		return "amd64"
	case "aarch64":
		return "arm64"
	case "armhf", "armel":
		return "arm"
	case "i386", "i686":
		return "386"
	}
	return a
}

func normVariant(arch, v string) string {
	if arch == "arm64" && v == "v8" {
		return ""
	}
	if arch == "amd64" && v == "v1" {
		return ""
	}
	return v
}

func defaultVariant(arch string) string {
	if arch == "arm" {
		return "v7"
	}
	return ""
}
