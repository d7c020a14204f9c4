package source

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

const (
	// maxMetaSize bounds one metadata member (index, manifest, config) read into memory. Real
	// configs with long histories stay well below 1 MiB.
	maxMetaSize = 8 << 20
	// maxMetaTotal bounds all metadata a single-pass read keeps, so that an archive made of many
	// JSON-looking blobs cannot exhaust memory.
	maxMetaTotal = 64 << 20
	// maxMembers bounds the members indexed from one archive; image archives have a few hundred
	// at most.
	maxMembers = 1 << 16
	// maxLinkHops bounds symlink chains between archive members.
	maxLinkHops = 8
)

var errNotFound = errors.New("not found")

// blobStore is read access to the metadata of an image source whose members are named by path:
// a layout directory, an indexed tar, or the metadata kept from a streamed tar.
type blobStore interface {
	// readMeta returns a whole member, at most maxMetaSize bytes; errNotFound when absent.
	readMeta(name string) ([]byte, error)
	// size reports a member's size and whether the store holds it.
	size(name string) (int64, bool)
	// head returns up to headLen first bytes of a member, for sniffing; nil when unknown.
	head(name string) []byte
}

const headLen = 8

// cleanName normalises a member name the way tar writers vary it ("./x", "/x", "a//b"), so that
// names from manifests and from tar headers compare equal. Names that climb out ("../x") stay
// distinct: nothing is extracted, so they are merely names that no manifest should use.
func cleanName(n string) string {
	n = strings.TrimLeft(strings.TrimPrefix(n, "./"), "/")
	if n == "" {
		return ""
	}
	n = path.Clean(n)
	if n == "." {
		return ""
	}
	return n
}

// blobPath is where OCI layouts keep a blob.
func blobPath(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

// digestFromPath recovers the digest from a member named blobs/<alg>/<hex> (OCI layouts and
// Docker 25+ archives); other names carry no trustworthy digest.
func digestFromPath(name string) string {
	parts := strings.Split(name, "/")
	if len(parts) != 3 || parts[0] != "blobs" {
		return ""
	}
	h, err := v1.NewHash(parts[1] + ":" + parts[2])
	if err != nil {
		return ""
	}
	return h.String()
}

// readBlob reads a metadata blob named by a descriptor and checks it against the descriptor's
// digest and size, so that Image.Digest and the config can be trusted even from a hand-edited
// layout.
func readBlob(st blobStore, d v1.Descriptor) ([]byte, error) {
	if d.Digest.Hex == "" {
		return nil, errors.New("a descriptor has no digest")
	}
	data, err := st.readMeta(blobPath(d.Digest))
	if errors.Is(err, errNotFound) {
		return nil, fmt.Errorf("blob %s is missing", shortDigest(d.Digest.String()))
	}
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", shortDigest(d.Digest.String()), err)
	}
	if d.Size > 0 && int64(len(data)) != d.Size {
		return nil, fmt.Errorf("blob %s has %d bytes, its descriptor says %d", shortDigest(d.Digest.String()), len(data), d.Size)
	}
	if err := checkDigest(data, d.Digest); err != nil {
		return nil, err
	}
	return data, nil
}

func checkDigest(data []byte, want v1.Hash) error {
	h, err := v1.Hasher(want.Algorithm)
	if err != nil {
		return fmt.Errorf("blob %s: unsupported digest algorithm", shortDigest(want.String()))
	}
	h.Write(data)
	if hex.EncodeToString(h.Sum(nil)) != want.Hex {
		return fmt.Errorf("blob %s does not match its digest", shortDigest(want.String()))
	}
	return nil
}

func sha256Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// dirStore reads an OCI layout directory. Only names built from index.json and parsed digests
// are ever looked up, so a name cannot leave the directory.
type dirStore struct{ root string }

func (d dirStore) file(name string) string { return filepath.Join(d.root, filepath.FromSlash(name)) }

func (d dirStore) readMeta(name string) ([]byte, error) {
	f, err := os.Open(d.file(name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, errors.New(pathErrText(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, errors.New(pathErrText(err))
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	return readLimited(f, name)
}

func (d dirStore) size(name string) (int64, bool) {
	st, err := os.Stat(d.file(name))
	if err != nil || !st.Mode().IsRegular() {
		return 0, false
	}
	return st.Size(), true
}

func (d dirStore) head(name string) []byte {
	f, err := os.Open(d.file(name))
	if err != nil {
		return nil
	}
	defer f.Close()
	b := make([]byte, headLen)
	n, _ := io.ReadFull(f, b)
	return b[:n]
}

func readLimited(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxMetaSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxMetaSize {
		return nil, fmt.Errorf("%s is larger than %d MiB, too large for image metadata", name, maxMetaSize>>20)
	}
	return data, nil
}

// memStore is the metadata kept from a single pass over a tar stream: every member's size and
// first bytes, and the content of members small enough to be JSON metadata.
type memStore struct {
	members map[string]*memMember
	links   map[string]string
	kept    int64
}

type memMember struct {
	size int64
	head []byte
	data []byte // nil unless kept
	kept bool
}

func newMemStore() *memStore {
	return &memStore{members: map[string]*memMember{}, links: map[string]string{}}
}

func (m *memStore) lookup(name string) (*memMember, bool) {
	name = followLinks(m.links, name, func(n string) bool { _, ok := m.members[n]; return ok })
	mm, ok := m.members[name]
	return mm, ok
}

func (m *memStore) readMeta(name string) ([]byte, error) {
	mm, ok := m.lookup(name)
	if !ok {
		return nil, errNotFound
	}
	if !mm.kept && mm.size > maxMetaSize {
		return nil, fmt.Errorf("%s is larger than %d MiB, too large for image metadata", name, maxMetaSize>>20)
	}
	if !mm.kept {
		return nil, fmt.Errorf("%s is not image metadata (not JSON)", name)
	}
	return mm.data, nil
}

func (m *memStore) size(name string) (int64, bool) {
	mm, ok := m.lookup(name)
	if !ok {
		return 0, false
	}
	return mm.size, true
}

func (m *memStore) head(name string) []byte {
	if mm, ok := m.lookup(name); ok {
		return mm.head
	}
	return nil
}

// followLinks resolves archive-internal links (old `docker save` links duplicate layer.tar files
// to one copy) to the member that holds the data.
func followLinks(links map[string]string, name string, exists func(string) bool) string {
	for range maxLinkHops {
		if exists(name) {
			return name
		}
		target, ok := links[name]
		if !ok {
			return name
		}
		name = target
	}
	return name
}

// linkTarget turns a tar link entry into the member name it points at: symlinks are relative to
// their directory, hard links name an archive path.
func linkTarget(name, linkname string, symlink bool) string {
	if symlink && !strings.HasPrefix(linkname, "/") {
		return cleanName(path.Join(path.Dir(name), linkname))
	}
	return cleanName(linkname)
}
