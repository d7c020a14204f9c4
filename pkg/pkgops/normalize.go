package pkgops

import "strings"

// Normalize returns the bare package name of a spec for a manager
// ("curl=7.8-1"→"curl", "pkg:amd64"→"pkg", "requests[socks]>=2"→"requests",
// "@scope/x@1.2"→"@scope/x", "gcc~12"→"gcc"). Local files, URLs and
// unexpanded substitutions are returned unchanged since they carry no name.
// manager may be a normalised manager or the program name (apt-get, pip3).
func Normalize(manager, spec string) string {
	s := strings.TrimSpace(spec)
	if family(manager) == "pip" {
		// PEP 508 puts URLs after the name ("pkg @ https://..."), so the
		// name must be looked for before treating the spec as a location.
		return pipName(s)
	}
	if s == "" || isLocation(s) || strings.HasPrefix(s, "$(") || strings.HasPrefix(s, "`") {
		return s
	}
	switch family(manager) {
	case "apk":
		return cutAny(s, "=<>~@")
	case "apt", "dpkg":
		if strings.HasSuffix(s, ".deb") {
			return s
		}
		return cutAny(s, "=:/")
	case "rpm":
		if strings.HasSuffix(s, ".rpm") || strings.HasPrefix(s, "@") {
			return s
		}
		return trimArch(cutAny(s, " =<>"))
	case "npm":
		return npmName(s)
	case "gem":
		return cutAny(s, ":")
	case "cargo", "go":
		return cutAny(s, "@")
	}
	return cutAny(s, "=<>~")
}

func family(manager string) string {
	switch manager {
	case "apk":
		return "apk"
	case "apt", "apt-get", "aptitude":
		return "apt"
	case "dpkg":
		return "dpkg"
	case "yum", "dnf", "microdnf", "tdnf", "zypper", "rpm":
		return "rpm"
	case "npm", "yarn", "pnpm":
		return "npm"
	case "gem", "cargo", "go":
		return manager
	}
	if isPip(manager) || manager == "pip" {
		return "pip"
	}
	return manager
}

// isLocation reports specs naming a file, directory or URL rather than a
// package in a repository.
func isLocation(s string) bool {
	return s == "." || s == ".." ||
		strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") ||
		strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~/") ||
		strings.Contains(s, "://")
}

// cutAny returns s up to the first byte of seps, or s when that would leave
// nothing (a name never starts with a version operator). Unexpanded ${...}
// text is skipped so "${PKG:-curl}=1" keeps its variable intact.
func cutAny(s, seps string) string {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			depth++
			i++
		case s[i] == '}' && depth > 0:
			depth--
		case depth == 0 && strings.IndexByte(seps, s[i]) >= 0:
			if i == 0 {
				return s
			}
			return s[:i]
		}
	}
	return s
}

var rpmArches = []string{".x86_64", ".aarch64", ".noarch", ".i686", ".i386", ".ppc64le", ".s390x", ".armv7hl", ".src"}

func trimArch(s string) string {
	for _, a := range rpmArches {
		if strings.HasSuffix(s, a) && len(s) > len(a) {
			return s[:len(s)-len(a)]
		}
	}
	return s
}

// pipName extracts the distribution name of a PEP 508 requirement.
func pipName(s string) string {
	if i := strings.Index(s, "#egg="); i >= 0 {
		return cutAny(s[i+len("#egg="):], "&[=<>!~ ")
	}
	if i := strings.Index(s, " @ "); i > 0 {
		return cutAny(s[:i], "[ ")
	}
	if s == "" || isLocation(s) || strings.HasPrefix(s, "$(") || strings.HasPrefix(s, "`") ||
		strings.HasPrefix(s, "git+") || strings.HasSuffix(s, ".whl") || strings.HasSuffix(s, ".tar.gz") || strings.HasSuffix(s, ".zip") {
		return s
	}
	return cutAny(s, "[=<>!~;@ ")
}

// npmName strips the version or tag of name@version, keeping the leading @
// of a scope.
func npmName(s string) string {
	if strings.HasPrefix(s, "git+") || strings.HasPrefix(s, "file:") || strings.HasPrefix(s, "github:") ||
		strings.HasSuffix(s, ".tgz") {
		return s
	}
	if i := strings.IndexByte(s[1:], '@'); i >= 0 {
		return s[:i+1]
	}
	return s
}
