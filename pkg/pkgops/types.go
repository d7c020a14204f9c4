// Package pkgops recognises package-manager operations (apk, apt-get, apt,
// yum, dnf, microdnf, zypper, pip, npm, yarn, ...) in a simple command's argv
// and normalises them, so that rules ask "which packages were installed and
// removed" rather than re-parsing flags for each manager.
package pkgops

// Op is one package-manager operation.
type Op struct {
	// Manager is the normalised manager: apk, apt (apt-get, apt, aptitude),
	// dpkg, yum, dnf, microdnf, tdnf, zypper, pip (pip, pipX.Y, python -m
	// pip, uv pip), npm, yarn, pnpm, gem, cargo, go.
	Manager string `json:"manager"`
	// Action is install, remove, update (refresh indexes), upgrade, clean,
	// or other.
	Action string `json:"action"`
	// Packages are the package names as given (version pins and
	// architecture qualifiers removed; see Specs for the originals).
	Packages []string `json:"packages,omitempty"`
	// Specs are the package arguments exactly as written.
	Specs []string `json:"specs,omitempty"`
	// Virtual is the name of the virtual package created by
	// `apk add --virtual NAME` / `apk add -t NAME`.
	Virtual string `json:"virtual,omitempty"`
	// Flags are the option words as written (e.g. --no-cache, -y,
	// --no-install-recommends), each followed by its value when the value
	// is a separate word (-o, Dpkg::Options::=--force-confold).
	Flags []string `json:"flags,omitempty"`
	// Global is true for npm/yarn/pnpm global installs (-g / global).
	Global bool `json:"global,omitempty"`
	// Command is the index of the command (in the RUN's command list) this
	// operation came from.
	Command int `json:"command"`
}
