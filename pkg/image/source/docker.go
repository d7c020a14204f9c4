package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// dockerEntry is one image in a `docker save` manifest.json.
type dockerEntry struct {
	Config       string
	RepoTags     []string
	Layers       []string
	LayerSources map[string]v1.Descriptor `json:",omitempty"`
}

func readDockerManifest(st blobStore) ([]dockerEntry, error) {
	raw, err := st.readMeta("manifest.json")
	if errors.Is(err, errNotFound) {
		return nil, errors.New("no manifest.json: not a docker-archive")
	}
	if err != nil {
		return nil, err
	}
	var entries []dockerEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	if len(entries) == 0 {
		return nil, errors.New("manifest.json lists no images")
	}
	return entries, nil
}

// resolveDocker picks an image from a docker-archive by REPO:TAG (required when it holds several).
func resolveDocker(st blobStore, repoTag string) (*resolved, error) {
	entries, err := readDockerManifest(st)
	if err != nil {
		return nil, err
	}
	var chosen *dockerEntry
	switch {
	case repoTag != "":
		for i := range entries {
			if slices.ContainsFunc(entries[i].RepoTags, func(t string) bool { return sameTag(t, repoTag) }) {
				chosen = &entries[i]
				break
			}
		}
		if chosen == nil {
			return nil, fmt.Errorf("no image tagged %s in the archive (%s)", repoTag, describeRepoTags(entries))
		}
	case len(entries) == 1:
		chosen = &entries[0]
	default:
		return nil, fmt.Errorf("the archive holds %d images; name one as docker-archive:PATH:REPO:TAG (%s)", len(entries), describeRepoTags(entries))
	}
	return resolveDockerEntry(st, chosen)
}

// sameTag compares tags the way docker does, so that "app:1" finds "docker.io/library/app:1".
func sameTag(a, b string) bool {
	if a == b {
		return true
	}
	ta, errA := name.NewTag(a, name.WeakValidation)
	tb, errB := name.NewTag(b, name.WeakValidation)
	return errA == nil && errB == nil && ta.Name() == tb.Name()
}

func describeRepoTags(entries []dockerEntry) string {
	var tags []string
	for _, e := range entries {
		tags = append(tags, e.RepoTags...)
	}
	if len(tags) == 0 {
		return "it has no tagged images"
	}
	sort.Strings(tags)
	return "tags: " + strings.Join(slices.Compact(tags), ", ")
}

func resolveDockerEntry(st blobStore, e *dockerEntry) (*resolved, error) {
	cfgName := cleanName(e.Config)
	rawCfg, err := st.readMeta(cfgName)
	if errors.Is(err, errNotFound) {
		return nil, fmt.Errorf("config %s named in manifest.json is missing", e.Config)
	}
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", e.Config, err)
	}
	if err := checkConfigName(cfgName, rawCfg); err != nil {
		return nil, err
	}
	cfg, err := parseConfig(rawCfg)
	if err != nil {
		return nil, err
	}
	if err := checkLayerCount(len(e.Layers), cfg); err != nil {
		return nil, err
	}
	res := &resolved{
		config:    cfg,
		rawConfig: rawCfg,
		layers:    make([]Layer, len(e.Layers)),
		paths:     make([]string, len(e.Layers)),
		urls:      make([][]string, len(e.Layers)),
	}
	for i, p := range e.Layers {
		p = cleanName(p)
		diffID := cfg.RootFS.DiffIDs[i].String()
		l := Layer{Index: i, Digest: digestFromPath(p), DiffID: diffID, Size: -1}
		if sz, ok := st.size(p); ok {
			l.Size = sz
			l.MediaType = string(sniffLayerType(st.head(p)))
		}
		if src, ok := e.LayerSources[diffID]; ok {
			// A foreign layer's blob is usually not in the archive; its descriptor says where it is.
			l.MediaType, l.Digest, l.Size = string(src.MediaType), src.Digest.String(), src.Size
			res.urls[i] = src.URLs
		}
		res.layers[i], res.paths[i] = l, p
	}
	enrichFromIndex(st, res)
	return res, nil
}

// sniffLayerType names a docker-archive layer's format, which manifest.json does not record.
func sniffLayerType(head []byte) types.MediaType {
	switch compressionOf(head) {
	case compGzip:
		return types.DockerLayer
	case compZstd:
		return types.OCILayerZStd
	case compNone:
		return types.DockerUncompressedLayer
	}
	return ""
}

// enrichFromIndex fills in the manifest digest and the layers' declared media types from the
// OCI index that Docker 25+ writes next to manifest.json, when it describes the same config.
// It is best effort: a docker-archive is complete without it.
func enrichFromIndex(st blobStore, res *resolved) {
	raw, err := st.readMeta("index.json")
	if err != nil {
		return
	}
	idx, err := parseIndex(raw)
	if err != nil {
		return
	}
	cfgDigest := sha256Digest(res.rawConfig)
	// outer is the top-level index on the way down, matching what resolveDescriptor reports.
	var walk func(descs []v1.Descriptor, outer string, depth int) bool
	walk = func(descs []v1.Descriptor, outer string, depth int) bool {
		for _, d := range descs {
			mraw, err := readBlob(st, d)
			if err != nil {
				continue
			}
			mt := d.MediaType
			if mt == "" {
				mt = sniffManifestType(mraw)
			}
			if mt.IsIndex() {
				child, err := parseIndex(mraw)
				next := outer
				if next == "" {
					next = d.Digest.String()
				}
				if err == nil && depth < maxNesting && walk(child.Manifests, next, depth+1) {
					return true
				}
				continue
			}
			m, err := v1.ParseManifest(bytes.NewReader(mraw))
			if err != nil || m.Config.Digest.String() != cfgDigest || len(m.Layers) != len(res.layers) {
				continue
			}
			res.digest = d.Digest.String()
			res.indexDigest = outer
			for i, l := range m.Layers {
				if res.layers[i].Digest == "" || res.layers[i].Digest == l.Digest.String() {
					res.layers[i].Digest = l.Digest.String()
					res.layers[i].MediaType = string(l.MediaType)
				}
			}
			return true
		}
		return false
	}
	walk(idx.Manifests, "", 0)
}

// checkConfigName checks a docker-archive config against the digest its member name carries
// ("<hex>.json" from docker save before 25, "blobs/sha256/<hex>" after, "sha256:<hex>" from
// go-containerregistry): hashing a few KiB is
// free, and the config is what every diff_id, and so every layer, is trusted by. Names that carry
// no digest (hand-made archives) are accepted as they are.
func checkConfigName(name string, raw []byte) error {
	d := digestFromPath(name)
	if h, err := v1.NewHash(name); err == nil {
		d = h.String() // "sha256:<hex>", as go-containerregistry's tarball writes it
	}
	if d == "" {
		if hex, ok := strings.CutSuffix(name, ".json"); ok && !strings.Contains(hex, "/") {
			if h, err := v1.NewHash("sha256:" + hex); err == nil {
				d = h.String()
			}
		}
	}
	if d == "" {
		return nil
	}
	if h, err := v1.NewHash(d); err == nil && checkDigest(raw, h) != nil {
		return fmt.Errorf("config %s does not match the digest in its name", shortDigest(d))
	}
	return nil
}
