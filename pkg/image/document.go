// Package image builds the facts document (the Rego input) for a built
// container image: its configuration, its history aligned to layers, and what
// one streaming pass over every layer found in the files that actually ship.
// Rules query these facts; they never see file content.
package image

import (
	"github.com/hardline-dev/hardline/pkg/image/osrelease"
	"github.com/hardline-dev/hardline/pkg/pkgops"
	"github.com/hardline-dev/hardline/pkg/secrets"
	"github.com/hardline-dev/hardline/pkg/shellcmd"
)

// SchemaVersion identifies the shape of Document. Bump the minor number for
// additive changes and the major number for anything that can break a rule.
// docs/schema/image-input.v1.json is generated from these types
// (go test ./pkg/image -run Schema -update).
const SchemaVersion = "hardline.image/v1.4"

// Document is the Rego input (input.*) for one image.
type Document struct {
	SchemaVersion string `json:"schema_version"`
	// Kind is always "image".
	Kind  string   `json:"kind"`
	Image ImageRef `json:"image"`
	// Config is the image configuration (what `docker run` starts).
	Config Config `json:"config"`
	// History is the build history, oldest first, aligned to Layers.
	History []History `json:"history"`
	// Layers are the filesystem layers, bottom first.
	Layers []Layer `json:"layers"`
	// OS is what /etc/os-release (or /usr/lib/os-release) says; nil when
	// the image has neither.
	OS *osrelease.Info `json:"os" jsonschema:"nullable"`
	// Libc says which C library the image provides.
	Libc Libc `json:"libc"`
	// Packages are from the apk or dpkg database of the squashed view.
	Packages Packages `json:"packages"`
	// Users and Groups are /etc/passwd and /etc/group of the squashed view.
	Users  []User  `json:"users"`
	Groups []Group `json:"groups"`
	// User is the config user resolved against Users and Groups.
	User ResolvedUser `json:"user"`
	// Exec is what the container starts (Entrypoint + Cmd), resolved
	// through the image's PATH and symlinks.
	Exec Exec `json:"exec"`
	// Programs maps well-known program names (node, npm, gcc, tini, gosu,
	// ...) to where they are in the squashed view; see ProgramNames.
	Programs map[string][]ProgramPath `json:"programs"`
	// ELF lists the dynamically linked executables and shared libraries of
	// the squashed view whose loader or libc needs are worth judging (see
	// Builder: files that need a loader or libc.so.6).
	ELF []ELFFile `json:"elf"`
	// Wheels are Python distributions whose WHEEL metadata names platform
	// tags (manylinux, musllinux).
	Wheels []Wheel `json:"wheels"`
	// Setuid lists set-user-ID and set-group-ID files of the squashed view.
	Setuid []FileRef `json:"setuid"`
	// WorldWritable lists files and directories anyone may write, except
	// sticky directories such as /tmp.
	WorldWritable []FileRef `json:"world_writable"`
	// AccountFiles are /etc/passwd, /etc/shadow, /etc/group and
	// /etc/gshadow of the squashed view with the owner and mode of the file
	// they resolve to (symlinks followed); absent files are not listed.
	AccountFiles []FileRef `json:"account_files"`
	// PackageCaches are package-manager cache directories of the squashed
	// view that hold files (apk, apt lists and archives, dnf, yum, zypper,
	// pip, uv, npm, yarn), sorted by path.
	PackageCaches []PackageCache `json:"package_caches"`
	// CredentialFiles are well-known credential files that hold a credential,
	// in any layer, including files deleted or replaced by a later layer.
	CredentialFiles []CredentialFile `json:"credential_files"`
	// Secrets are credentials found in the config, the history and files
	// (values masked). File secrets come from well-known credential files
	// and from scanning the content of every text file of every layer.
	Secrets []Secret `json:"secrets"`
	// Scan says how much file content was scanned for secrets and what was
	// left out, so that a clean result can be told from an incomplete one.
	Scan ContentScan `json:"scan"`
	// Skipped lists content that was not read (over the size cap, unsafe
	// path) so that reports can say what was not checked.
	Skipped []Skipped `json:"skipped"`
	// Dockerfile is set when the image was correlated with its Dockerfile.
	Dockerfile *DockerfileRef `json:"dockerfile" jsonschema:"nullable"`
	// Warnings are non-fatal problems found while building facts.
	Warnings []string `json:"warnings"`

	// redactions are the exact secret values found; never serialised.
	redactions []string
}

// Redactions returns the exact secret values found while building the
// document, longest first, so that a caller can mask them in anything
// derived from it. They must never be printed.
func (d *Document) Redactions() []string { return d.redactions }

// ImageRef names the scanned image.
type ImageRef struct {
	// Ref is the reference as the user gave it.
	Ref string `json:"ref"`
	// Name is the display name used in reports.
	Name string `json:"name"`
	// Transport is docker-archive, oci-archive, oci-layout, registry or
	// docker-daemon.
	Transport string `json:"transport"`
	// Digest is the manifest digest when known.
	Digest string `json:"digest,omitempty"`
	// ConfigDigest is the SHA-256 of the image configuration, "sha256:…"
	// (Docker's image ID). Unlike Digest it is known for every source,
	// docker save archives included, and does not change when the image is
	// re-pushed or re-compressed. Added in hardline.image/v1.3.
	ConfigDigest string `json:"config_digest,omitempty"`
	// Format is the image format its manifest declares: "docker" (Docker
	// image manifest v2, and docker save archives), "oci", or "" when
	// unknown. Told from the layers' media types. The OCI image
	// configuration has no Healthcheck field: tools that write OCI images
	// (buildah, podman, containers/image conversions) drop it.
	Format       string `json:"format"`
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant,omitempty"`
}

// Config is the runtime part of the image configuration.
type Config struct {
	// User is the configured user as written ("" when unset: root).
	User       string   `json:"user"`
	Entrypoint []string `json:"entrypoint"`
	Cmd        []string `json:"cmd"`
	// Env in configuration order. Values that hold a credential are
	// replaced by their masked form (Secret is set).
	Env          []EnvVar          `json:"env"`
	WorkingDir   string            `json:"working_dir"`
	ExposedPorts []string          `json:"exposed_ports"`
	Labels       map[string]string `json:"labels"`
	Healthcheck  *Healthcheck      `json:"healthcheck" jsonschema:"nullable"`
	StopSignal   string            `json:"stop_signal,omitempty"`
	Shell        []string          `json:"shell,omitempty"`
	Volumes      []string          `json:"volumes"`
}

// EnvVar is one config Env entry.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Secret is true when Value is a masked credential.
	Secret bool `json:"secret"`
}

// Healthcheck is the config healthcheck.
type Healthcheck struct {
	Test []string `json:"test"`
}

// History is one history entry of the image configuration.
type History struct {
	Index int `json:"index"`
	// CreatedBy is the recorded command with credential values masked.
	CreatedBy  string `json:"created_by"`
	Comment    string `json:"comment,omitempty"`
	EmptyLayer bool   `json:"empty_layer"`
	// Layer is the index of the layer this entry created, -1 for empty
	// layers (ENV, CMD, ...) and when history and layers disagree.
	Layer int `json:"layer"`
	// Instruction is the Dockerfile instruction keyword recognised in
	// CreatedBy (RUN, COPY, ENV, ...; "" for free text that is not an
	// instruction).
	Instruction string `json:"instruction"`
	// BuildArgs are the build arguments BuildKit and buildah record for a
	// RUN (`RUN |2 A=1 B=2 /bin/sh -c ...`); values that hold a credential
	// are masked.
	BuildArgs []EnvVar `json:"build_args"`
	// Run is the parsed script of a RUN entry (Instruction "RUN"); null for
	// every other entry. Added in hardline.image/v1.2.
	Run *HistoryRun `json:"run" jsonschema:"nullable"`
	// Origin is "base" for entries inherited from the base image, "own"
	// for entries made by the correlated Dockerfile, "" when unknown.
	Origin string `json:"origin"`
	// Location is the Dockerfile instruction that made the entry, when
	// correlated.
	Location *Location `json:"location" jsonschema:"nullable"`
}

// HistoryRun is a RUN recorded in the history, parsed the way the Dockerfile
// facts parse a RUN (pkg/shellcmd, and the same derived commands,
// command_index, piped and urls as a Dockerfile instruction's run), so that
// rules judge recorded commands as they judge a Dockerfile's. Build
// arguments are not substituted: $NAME stays as written. Credential values
// are masked in every field, as in CreatedBy. Added in hardline.image/v1.2.
type HistoryRun struct {
	// Script is the recorded shell script: CreatedBy without the builder's
	// decorations (`RUN`, `|2 A=1 B=2`, the `/bin/sh -c` shell invocation,
	// `# buildkit`).
	Script string `json:"script"`
	// Commands are the simple commands executed, in order (see shellcmd);
	// empty when the script is not POSIX shell (cmd, powershell) or does
	// not parse.
	Commands []shellcmd.Command `json:"commands"`
	// CommandIndex maps each program name (Command.Name) to the indexes in
	// Commands of the commands that run it, in order.
	CommandIndex map[string][]int `json:"command_index"`
	// Piped lists the indexes in Commands of the commands whose standard
	// output feeds a pipe (every element of a pipeline but the last).
	Piped []int `json:"piped"`
	// URLs are the URLs (scheme://...) the script mentions, sorted and
	// de-duplicated, computed as for a Dockerfile RUN.
	URLs []string `json:"urls"`
	// Packages are the package-manager operations among Commands, as a
	// Dockerfile RUN's. Added in hardline.image/v1.4.
	Packages []pkgops.Op `json:"packages"`
	// ParseError is set when the script is not valid shell; the commands
	// found before the error are still listed when possible.
	ParseError string `json:"parse_error,omitempty"`
}

// Location is a 1-based span in the correlated Dockerfile.
type Location struct {
	StartLine   int `json:"start_line"`
	StartColumn int `json:"start_column"`
	EndLine     int `json:"end_line"`
	EndColumn   int `json:"end_column"`
}

// Layer is one filesystem layer.
type Layer struct {
	Index  int    `json:"index"`
	Digest string `json:"digest,omitempty"`
	DiffID string `json:"diff_id"`
	// Size is the blob size (-1 when unknown).
	Size int64 `json:"size"`
	// Files is the number of entries in the layer tar (whiteouts included).
	Files int `json:"files"`
	// History is the index of the history entry that created the layer
	// (-1 when unknown).
	History int `json:"history"`
	// Origin and Location as in History.
	Origin   string    `json:"origin"`
	Location *Location `json:"location" jsonschema:"nullable"`
}

// Libc describes the C library the squashed view provides.
type Libc struct {
	// Kind is "musl", "glibc", "both" or "none".
	Kind string `json:"kind"`
	// Loaders are the dynamic loaders present (/lib/ld-musl-x86_64.so.1,
	// /lib64/ld-linux-x86-64.so.2, ...).
	Loaders []string `json:"loaders"`
	// GlibcLibrary is true when a libc.so.6 exists (glibc, or gcompat's
	// shim on musl).
	GlibcLibrary bool `json:"glibc_library"`
}

// Packages are the OS packages of the squashed view.
type Packages struct {
	// Manager is "apk", "dpkg" or "" when no database was found.
	Manager string    `json:"manager"`
	List    []Package `json:"list"`
}

// Package is one installed OS package.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Arch    string `json:"arch,omitempty"`
	// Source is the apk origin or dpkg source package.
	Source  string   `json:"source,omitempty"`
	Virtual bool     `json:"virtual"`
	Depends []string `json:"depends"`
	// Layer is the layer whose database first lists the package in its
	// current version (-1 when unknown): the layer that installed it.
	Layer int `json:"layer"`
}

// User is an /etc/passwd entry.
type User struct {
	Name  string `json:"name"`
	UID   int    `json:"uid"`
	GID   int    `json:"gid"`
	Home  string `json:"home"`
	Shell string `json:"shell"`
}

// Group is an /etc/group entry.
type Group struct {
	Name    string   `json:"name"`
	GID     int      `json:"gid"`
	Members []string `json:"members"`
}

// ResolvedUser is the config user as the runtime would resolve it.
type ResolvedUser struct {
	// Spec is the config User value.
	Spec string `json:"spec"`
	// UID and GID are meaningful when UIDKnown / GIDKnown.
	UID      int  `json:"uid"`
	GID      int  `json:"gid"`
	UIDKnown bool `json:"uid_known"`
	GIDKnown bool `json:"gid_known"`
	// Name is the passwd name for the UID, when there is one.
	Name string `json:"name,omitempty"`
	// Reason explains an unknown UID (user not in /etc/passwd).
	Reason string `json:"reason,omitempty"`
}

// Exec is what the container starts.
type Exec struct {
	// Argv is Entrypoint followed by Cmd, as the runtime builds it.
	Argv []string `json:"argv"`
	// FromEntrypoint is true when Argv[0] comes from Entrypoint (false:
	// from Cmd).
	FromEntrypoint bool `json:"from_entrypoint"`
	// Program is Argv[0] as written ("" when Argv is empty).
	Program string `json:"program"`
	// Path is where Program was found in the squashed view: Program
	// itself when absolute, else the first config PATH candidate (or
	// working-directory path) that exists. The facts below describe the
	// file it resolves to through symlinks, confined to the image root.
	// "" when not found.
	Path string `json:"path"`
	// Found is true when Path is a regular file.
	Found bool `json:"found"`
	// Executable is true when Path has an execute bit.
	Executable bool `json:"executable"`
	// Kind is "elf", "script" (starts with #!), "other" or "" when not
	// found.
	Kind string `json:"kind"`
	// Interpreter is the ELF loader or the #! interpreter.
	Interpreter string `json:"interpreter,omitempty"`
	// InterpreterFound is true when Interpreter resolves to a file in the
	// squashed view (always true for static ELF files and files without an
	// interpreter).
	InterpreterFound bool `json:"interpreter_found"`
	// Runnable is true when Found, Executable and InterpreterFound.
	Runnable bool `json:"runnable"`
	// Layer is the layer that provided Path (-1 when not found).
	Layer int `json:"layer"`
	// DropsPrivileges is true when Path is a script that runs a
	// privilege-drop tool (gosu, su-exec, setpriv, chpst, s6-setuidgid,
	// runuser) and that tool is in the image: the docker-library pattern of
	// starting as root to prepare, then re-executing as a service user.
	DropsPrivileges bool `json:"drops_privileges"`
	// DropTools are the privilege-drop tools the script names.
	DropTools []string `json:"drop_tools"`
}

// ProgramPath is one place a well-known program was found.
type ProgramPath struct {
	Path string `json:"path"`
	// Target is the file Path resolves to (differs for symlinks, e.g.
	// BusyBox applets resolve to /bin/busybox).
	Target string `json:"target"`
	Layer  int    `json:"layer"`
}

// ELFFile is a dynamically linked ELF file of the squashed view.
type ELFFile struct {
	Path  string `json:"path"`
	Layer int    `json:"layer"`
	// Type is exec, dyn (PIE executables and shared objects), ...
	Type string `json:"type"`
	// SharedLib is true for shared objects (no interpreter).
	SharedLib   bool   `json:"shared_lib"`
	Machine     string `json:"machine"`
	Interpreter string `json:"interpreter,omitempty"`
	// InterpreterFound is true when Interpreter resolves to a file in the
	// squashed view.
	InterpreterFound bool     `json:"interpreter_found"`
	Needed           []string `json:"needed"`
	// NeedsGlibc is true when the file needs libc.so.6 or a glibc loader.
	NeedsGlibc bool `json:"needs_glibc"`
	// NeedsMusl is true when the file needs musl's libc or loader.
	NeedsMusl bool `json:"needs_musl"`
}

// Wheel is an installed Python distribution with platform tags.
type Wheel struct {
	// Path is the .dist-info directory.
	Path  string   `json:"path"`
	Layer int      `json:"layer"`
	Tags  []string `json:"tags"`
	// Manylinux is true when a tag targets glibc (manylinux*), Musllinux
	// when one targets musl.
	Manylinux bool `json:"manylinux"`
	Musllinux bool `json:"musllinux"`
}

// FileRef is a file of the squashed view with its permissions.
type FileRef struct {
	Path string `json:"path"`
	// Type is file, dir, symlink or other.
	Type string `json:"type"`
	// Mode is the octal permission string including special bits ("4755").
	Mode  string `json:"mode"`
	UID   int    `json:"uid"`
	GID   int    `json:"gid"`
	Layer int    `json:"layer"`
	// Package is the OS package that owns the file, when known.
	Package string `json:"package,omitempty"`
}

// PackageCache is a package-manager cache directory that holds files.
type PackageCache struct {
	// Path is the cache directory ("/var/cache/apk", "/root/.cache/pip").
	Path string `json:"path"`
	// Manager is apk, apt, dnf, yum, tdnf, zypper, pip, uv, npm or yarn.
	Manager string `json:"manager"`
	// Files and Bytes count the regular files below Path (lock files and
	// apt's partial/ directory, present in an emptied cache, excluded).
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	// Layer is the layer that put the most bytes there.
	Layer int `json:"layer"`
}

// CredentialFile is a well-known credential file that holds a credential.
type CredentialFile struct {
	Path string `json:"path"`
	// Kind is ssh-private-key, private-key, aws-credentials, npmrc-token,
	// docker-config-auth, git-credentials, netrc, pypirc ...
	Kind  string `json:"kind"`
	Layer int    `json:"layer"`
	// RemovedIn is the layer that deleted or replaced the file (-1 when it
	// is still in the squashed view). A removed file still ships: anyone
	// with the image can read the lower layer.
	RemovedIn int `json:"removed_in"`
	// Package is set when an OS package owns the path (e.g. test keys).
	Package string `json:"package,omitempty"`
	// Secret is the credential found in it (masked).
	Secret secrets.Match `json:"secret"`
}

// Secret is a credential found in the image (value masked).
type Secret struct {
	secrets.Match
	// Source is env, label, config (Entrypoint, Cmd or Healthcheck; Name
	// says which), history-arg, history-run, history (other history
	// entries) or file.
	Source string `json:"source"`
	// Name is the Env/label/build-arg name when the source has one.
	Name string `json:"name,omitempty"`
	// History is the history index for history sources (-1 otherwise).
	History int `json:"history"`
	// Layer and Path for file sources (-1 / "" otherwise). Layer is the
	// lowest layer whose file at Path holds the value.
	Layer int    `json:"layer"`
	Path  string `json:"path,omitempty"`
	// RemovedIn is the layer that deleted or replaced the last file at Path
	// holding the value (-1 when the squashed view still holds it).
	RemovedIn int `json:"removed_in"`
	// Package is set when an OS package owns the file (credential files
	// only: other package-owned files are not reported, see
	// ContentScan.PackageOwned).
	Package string `json:"package,omitempty"`
}

// ContentScan summarises the secret scan of file content: every regular
// file of every layer, deleted and replaced ones included, except binary
// files, files under SkipPaths and bytes past the read cap.
type ContentScan struct {
	// Enabled is false when content scanning was turned off; well-known
	// credential files are checked either way.
	Enabled bool `json:"enabled"`
	// FilesScanned is the number of text files whose content was scanned.
	FilesScanned int `json:"files_scanned"`
	// BytesScanned is the content scanned, in bytes.
	BytesScanned int64 `json:"bytes_scanned"`
	// BinarySkipped is the number of files not scanned because their first
	// 8 KiB look binary: NUL bytes, invalid UTF-8, or the signature of an
	// executable, image, archive or compiled-code format.
	BinarySkipped int `json:"binary_skipped"`
	// BinaryBytes is the total size of the BinarySkipped files.
	BinaryBytes int64 `json:"binary_bytes"`
	// PathSkipped is the number of files not scanned because they are under
	// SkipPaths (documentation, runtime sources and test suites, CA bundles
	// …).
	PathSkipped int `json:"path_skipped"`
	// PathSkippedBytes is the total size of the PathSkipped files.
	PathSkippedBytes int64 `json:"path_skipped_bytes"`
	// Truncated is the number of files larger than the read cap, of which
	// only the start was scanned (each is also listed in skipped).
	Truncated int `json:"truncated"`
	// TruncatedBytes is the content past the read cap, not scanned.
	TruncatedBytes int64 `json:"truncated_bytes"`
	// Secrets is the number of file secrets the content scan reported.
	Secrets int `json:"secrets"`
	// PackageOwned is the number of values found in files an OS package
	// owns, which are not reported.
	PackageOwned int `json:"package_owned"`
	// Filtered is the number of context-based (medium-confidence) matches
	// not reported because their surroundings read as code or prose rather
	// than a credential: an expression in program source, a constant name,
	// a value that names a credential, a pagination token.
	Filtered int `json:"filtered"`
	// SkipPaths are the skip patterns in force: doublestar globs on absolute
	// paths, "*" within a path element, "**" across elements. They apply to
	// credential files too.
	SkipPaths []string `json:"skip_paths"`
}

// Skipped is content that was not read.
type Skipped struct {
	Path   string `json:"path"`
	Layer  int    `json:"layer"`
	Reason string `json:"reason"`
}

// DockerfileRef names the Dockerfile the image was correlated with.
type DockerfileRef struct {
	File string `json:"file"`
	// BaseHistory is the number of history entries inherited from the base
	// image.
	BaseHistory int `json:"base_history"`
	// Matched is the number of the Dockerfile's instructions matched to
	// history entries.
	Matched int `json:"matched"`
}
