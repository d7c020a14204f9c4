package policy

import "slices"

// Tag is one entry of the tag vocabulary. Tags group rules for selection in
// configuration (`--tags`, `rules.tags`) and in the generated rules index, so
// the set is closed: a typo in a builtin rule's tag would silently drop it
// from every selection that names the intended tag.
type Tag struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// tagVocabulary is kept in alphabetical order; Tags returns a copy so that
// callers cannot change what validation accepts.
var tagVocabulary = []Tag{
	{"base-image", "Choice, pinning and provenance of FROM images."},
	{"build-deps", "Build-time tools and caches left in the final image."},
	{"correctness", "Instructions that do not do what they appear to do."},
	{"filesystem", "File ownership, permissions and what is copied into the image."},
	{"healthcheck", "Container health reporting."},
	{"init", "Signal handling and reaping of child processes (PID 1)."},
	{"libc", "C library and distribution compatibility of binaries."},
	{"network", "Exposed ports and network access during the build."},
	{"node", "Node.js images and npm/yarn/pnpm usage."},
	{"packages", "OS and language package manager usage."},
	{"privilege", "Capabilities, setuid binaries and privilege escalation."},
	{"secrets", "Credentials in build arguments, environment, layers or history."},
	{"style", "Readability and maintainability; off by default."},
	{"supply-chain", "Integrity of what is downloaded and executed during the build."},
	{"tls", "Certificate verification and transport security."},
	{"user", "The user the container runs as."},
}

// Tags returns the tag vocabulary sorted by name.
func Tags() []Tag { return slices.Clone(tagVocabulary) }

// IsKnownTag reports whether name is in the vocabulary.
func IsKnownTag(name string) bool {
	_, ok := slices.BinarySearchFunc(tagVocabulary, name, func(t Tag, n string) int {
		switch {
		case t.Name < n:
			return -1
		case t.Name > n:
			return 1
		}
		return 0
	})
	return ok
}
