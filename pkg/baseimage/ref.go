package baseimage

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// ErrInvalidRef is wrapped by every error ParseRef returns, so callers can
// tell "not an image reference" apart from other failures with errors.Is.
var ErrInvalidRef = errors.New("invalid image reference")

// dockerHub is the canonical registry name hardline reports for Docker Hub.
// go-containerregistry rewrites it to "index.docker.io"; we keep the name
// users write and that Docker itself prints.
const dockerHub = "docker.io"

// dockerHubAliases are host names that address Docker Hub itself.
var dockerHubAliases = map[string]bool{
	"docker.io":               true,
	"index.docker.io":         true,
	"registry-1.docker.io":    true,
	"registry.hub.docker.com": true,
}

// hubMirrors are well-known public mirrors of Docker Hub. References through
// them get the same familiar Name as the Hub image ("python" for
// mirror.gcr.io/library/python) so knowledge entries apply, while Registry and
// Repository keep what was written (rules about registries still see the
// mirror). prefix is the part of the repository path that maps onto the Hub
// namespace.
var hubMirrors = []struct{ registry, prefix string }{
	{"mirror.gcr.io", ""},
	{"public.ecr.aws", "docker/"},
}

// ParseRef parses an image reference as written in FROM (after ARG
// expansion): "alpine", "alpine:3.20", "docker.io/library/python:3.12-slim",
// "gcr.io/distroless/static-debian12:nonroot", "img@sha256:…",
// "localhost:5000/app:1", "registry:5000/ns/app".
//
// Docker Hub references are normalised to Registry "docker.io" and a
// Repository with the "library/" namespace for official images. Tag stays
// empty when none was written: Docker would pull "latest", but rules need to
// know the reference was untagged. Both a tag and a digest are kept when both
// are written ("python:3.12@sha256:…"), since Docker then ignores the tag for
// pulling but it still documents intent.
//
// Validation follows Docker's reference grammar, which is stricter than
// go-containerregistry's weak validation (which, e.g., accepts "a//b" or a
// tag starting with "-"): lower-case path components separated by single
// separators, tags of at most 128 word characters not starting with '.' or
// '-', registries that are host names or [IPv6] with an optional port.
func ParseRef(s string) (Ref, error) {
	bad := func(format string, args ...any) (Ref, error) {
		return Ref{}, fmt.Errorf("%w %q: %s", ErrInvalidRef, s, fmt.Sprintf(format, args...))
	}
	if s == "" {
		return bad("empty")
	}
	if strings.Contains(s, "://") {
		return bad("must not contain a URL scheme")
	}

	// Split digest and tag ourselves: go-containerregistry drops the tag of
	// "name:tag@digest" and substitutes "latest" for a missing tag.
	rest, digest, hasDigest := strings.Cut(s, "@")
	if hasDigest && digest == "" {
		return bad("empty digest after '@'")
	}
	var tag string
	if c := strings.LastIndexByte(rest, ':'); c > strings.LastIndexByte(rest, '/') {
		rest, tag = rest[:c], rest[c+1:]
		if tag == "" {
			return bad("empty tag after ':'")
		}
		if err := checkTag(tag); err != nil {
			return bad("%v", err)
		}
	}

	// go-containerregistry validates the repository, registry authority and
	// digest (algorithm and hex length); the checks below add Docker's
	// stricter grammar.
	if hasDigest {
		if _, err := name.NewDigest(rest+"@"+digest, name.WeakValidation); err != nil {
			return bad("%v", err)
		}
	} else if _, err := name.NewRepository(rest, name.WeakValidation); err != nil {
		return bad("%v", err)
	}

	// Work from what was written rather than from go-containerregistry's
	// defaulted values, so the registry case and the Hub aliases are ours to
	// normalise.
	registry, repo := splitRegistry(rest)
	if registry != "" {
		if err := checkRegistry(registry); err != nil {
			return bad("%v", err)
		}
	}
	if err := checkRepositoryPath(repo); err != nil {
		return bad("%v", err)
	}
	registry = strings.ToLower(registry)
	if registry == "" || dockerHubAliases[registry] {
		registry = dockerHub
		if !strings.Contains(repo, "/") {
			repo = "library/" + repo
		}
	}
	ref := Ref{Registry: registry, Repository: repo, Tag: tag, Digest: digest}
	ref.Name = familiarName(registry, repo)
	return ref, nil
}

// String renders the reference in normalised form
// (registry/repository[:tag][@digest]); ParseRef(r.String()) returns r.
func (r Ref) String() string {
	var b strings.Builder
	b.WriteString(r.Registry)
	b.WriteByte('/')
	b.WriteString(r.Repository)
	if r.Tag != "" {
		b.WriteByte(':')
		b.WriteString(r.Tag)
	}
	if r.Digest != "" {
		b.WriteByte('@')
		b.WriteString(r.Digest)
	}
	return b.String()
}

// splitRegistry applies Docker's rule: the first path component is a
// registry when it contains '.' or ':' or is "localhost".
func splitRegistry(s string) (registry, repo string) {
	first, rest, ok := strings.Cut(s, "/")
	if ok && (first == "localhost" || strings.ContainsAny(first, ".:")) {
		return first, rest
	}
	return "", s
}

// familiarName is the short form knowledge entries match on: Docker Hub (and
// its public mirrors) drop the registry and the "library/" namespace, every
// other registry keeps its host name.
func familiarName(registry, repo string) string {
	hub := registry == dockerHub
	for _, m := range hubMirrors {
		if registry == m.registry && strings.HasPrefix(repo, m.prefix) {
			hub, repo = true, strings.TrimPrefix(repo, m.prefix)
			break
		}
	}
	if !hub {
		return registry + "/" + repo
	}
	if short, ok := strings.CutPrefix(repo, "library/"); ok && !strings.Contains(short, "/") {
		return short
	}
	return repo
}

func isLowerAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isLowerAlnum(c) || c >= 'A' && c <= 'Z' }

// checkRepositoryPath enforces Docker's path-component grammar:
// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* per component, components separated by
// single slashes.
func checkRepositoryPath(p string) error {
	if p == "" {
		return errors.New("empty repository")
	}
	if len(p) > 255 {
		return errors.New("repository longer than 255 characters")
	}
	for comp := range strings.SplitSeq(p, "/") {
		if comp == "" {
			return errors.New("empty path component")
		}
		if !isLowerAlnum(comp[0]) || !isLowerAlnum(comp[len(comp)-1]) {
			return fmt.Errorf("path component %q must start and end with a lower-case letter or digit", comp)
		}
		for i := 0; i < len(comp); {
			c := comp[i]
			if isLowerAlnum(c) {
				i++
				continue
			}
			// A separator is '.', '_', '__' or a run of '-', and must be
			// followed by an alphanumeric (so "a-.b" and "a..b" fail).
			n := 0
			switch {
			case c == '-':
				for i+n < len(comp) && comp[i+n] == '-' {
					n++
				}
			case c == '_' && comp[i+1] == '_':
				n = 2
			case c == '.' || c == '_':
				n = 1
			default:
				return fmt.Errorf("path component %q may only contain lower-case letters, digits and . _ -", comp)
			}
			// comp ends with an alphanumeric, so i+n is in range.
			if !isLowerAlnum(comp[i+n]) {
				return fmt.Errorf("path component %q has an invalid separator sequence", comp)
			}
			i += n
		}
	}
	return nil
}

// checkTag enforces Docker's tag grammar [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
func checkTag(t string) error {
	if len(t) > 128 {
		return errors.New("tag longer than 128 characters")
	}
	if !isAlnum(t[0]) && t[0] != '_' {
		return fmt.Errorf("tag %q must start with a letter, digit or '_'", t)
	}
	for i := 1; i < len(t); i++ {
		if c := t[i]; !isAlnum(c) && c != '_' && c != '.' && c != '-' {
			return fmt.Errorf("tag %q may only contain letters, digits and _ . -", t)
		}
	}
	return nil
}

// checkRegistry accepts host[:port] where host is a DNS name or a bracketed
// IPv6 address; go-containerregistry only checks it is a URI authority,
// which lets "user@host"-like or underscore names through.
func checkRegistry(r string) error {
	host, port := r, ""
	if strings.HasPrefix(r, "[") {
		end := strings.IndexByte(r, ']')
		if end < 0 {
			return fmt.Errorf("registry %q: unterminated IPv6 address", r)
		}
		host, port = r[:end+1], r[end+1:]
		for _, c := range host[1:end] {
			if !(c == ':' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return fmt.Errorf("registry %q: invalid IPv6 address", r)
			}
		}
		if end == 1 {
			return fmt.Errorf("registry %q: empty IPv6 address", r)
		}
	} else if i := strings.IndexByte(r, ':'); i >= 0 {
		host, port = r[:i], r[i:]
	}
	if port != "" {
		digits := strings.TrimPrefix(port, ":")
		if digits == port || digits == "" || len(digits) > 5 {
			return fmt.Errorf("registry %q: invalid port", r)
		}
		for i := 0; i < len(digits); i++ {
			if digits[i] < '0' || digits[i] > '9' {
				return fmt.Errorf("registry %q: invalid port", r)
			}
		}
	}
	if strings.HasPrefix(host, "[") {
		return nil
	}
	for label := range strings.SplitSeq(host, ".") {
		if label == "" {
			return fmt.Errorf("registry %q: empty host name label", r)
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("registry %q: host name labels may not start or end with '-'", r)
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !isAlnum(c) && c != '-' {
				return fmt.Errorf("registry %q: invalid character %q in host name", r, c)
			}
		}
	}
	return nil
}
