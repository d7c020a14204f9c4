package pkgops

import (
	"strings"

	"github.com/hardline-dev/hardline/pkg/shellcmd"
)

// Actions.
const (
	Install = "install"
	Remove  = "remove"
	Update  = "update"
	Upgrade = "upgrade"
	Clean   = "clean"
	Other   = "other"
)

// FromCommands returns the ops for all commands in order (index = position
// in cmds).
func FromCommands(cmds []shellcmd.Command) []Op {
	var ops []Op
	for i, c := range cmds {
		if op, ok := FromCommand(c, i); ok {
			ops = append(ops, op)
		}
	}
	return ops
}

// FromCommand recognises a package-manager invocation in cmd (cmd.Name and
// cmd.Args) and normalises it. Commands of package managers with an
// unrecognised subcommand are returned with Action "other"; for build tools
// that merely can install (cargo, go) only their install commands count.
func FromCommand(cmd shellcmd.Command, index int) (Op, bool) {
	name, args := cmd.Name, cmd.Args
	var op Op
	var ok bool
	switch {
	case name == "apk":
		op, ok = apk(args), true
	case name == "apt-get" || name == "apt" || name == "aptitude":
		op, ok = apt(args), true
	case name == "dpkg":
		op, ok = dpkg(args), true
	case name == "yum" || name == "dnf" || name == "microdnf" || name == "tdnf":
		op, ok = rpm(name, args), true
	case name == "zypper":
		op, ok = zypper(args), true
	case isPip(name):
		op, ok = pip(args), true
	case isPython(name):
		if rest, found := pythonMPip(args); found {
			op, ok = pip(rest), true
		}
	case name == "uv" && len(args) > 0 && args[0] == "pip":
		op, ok = pip(args[1:]), true
	case name == "npm":
		op, ok = npm(args), true
	case name == "yarn":
		op, ok = yarn(args), true
	case name == "pnpm":
		op, ok = pnpm(args), true
	case name == "gem":
		op, ok = gem(args), true
	case name == "cargo":
		op, ok = cargo(args)
	case name == "go":
		op, ok = goInstall(args)
	}
	if !ok {
		return Op{}, false
	}
	op.Command = index
	if len(op.Specs) > 0 {
		op.Packages = make([]string, len(op.Specs))
		for i, s := range op.Specs {
			op.Packages[i] = Normalize(op.Manager, s)
		}
	}
	return op, true
}

func actionOf(sub string, table map[string]string) string {
	if a, ok := table[sub]; ok {
		return a
	}
	return Other
}

// specs returns a copy of operands (nil when empty) so Ops never alias the
// command's Args.
func specs(pos []string) []string {
	if len(pos) == 0 {
		return nil
	}
	return append([]string(nil), pos...)
}

var (
	apkSpec = optSpec{"Xpt", longs("repository", "root", "arch", "cache-dir", "keys-dir",
		"repositories-file", "virtual", "wait", "cache-max-age", "timeout")}
	apkActions = map[string]string{"add": Install, "del": Remove, "update": Update, "upgrade": Upgrade}
)

func apk(args []string) Op {
	p := parse(args, apkSpec, apkSpec)
	op := Op{Manager: "apk", Action: Other, Flags: p.flags}
	if len(p.pos) == 0 {
		return op
	}
	sub := p.pos[0]
	op.Action = actionOf(sub, apkActions)
	switch sub {
	case "add", "del", "upgrade":
		op.Specs = specs(p.pos[1:])
	case "cache":
		if len(p.pos) > 1 && (p.pos[1] == "clean" || p.pos[1] == "purge") {
			op.Action = Clean
		}
	}
	if sub == "add" {
		op.Virtual = p.val("t", "virtual")
	}
	return op
}

var (
	aptSpec    = optSpec{"oct", longs("option", "config-file", "target-release", "default-release")}
	aptActions = map[string]string{
		"install": Install, "reinstall": Install,
		"remove": Remove, "purge": Remove, "autoremove": Remove, "autopurge": Remove,
		"update":  Update,
		"upgrade": Upgrade, "dist-upgrade": Upgrade, "full-upgrade": Upgrade, "safe-upgrade": Upgrade,
		// dist-clean (apt 2.7+) also removes the package lists.
		"clean": Clean, "autoclean": Clean, "dist-clean": Clean,
	}
)

func apt(args []string) Op {
	p := parse(args, aptSpec, aptSpec)
	op := Op{Manager: "apt", Action: Other, Flags: p.flags}
	if len(p.pos) == 0 {
		return op
	}
	op.Action = actionOf(p.pos[0], aptActions)
	if op.Action == Install || op.Action == Remove || op.Action == Upgrade {
		op.Specs = specs(p.pos[1:])
	}
	return op
}

var dpkgSpec = optSpec{"", longs("admindir", "root", "instdir", "log", "status-fd", "status-logger")}

func dpkg(args []string) Op {
	p := parse(args, dpkgSpec, dpkgSpec)
	op := Op{Manager: "dpkg", Action: Other, Flags: p.flags}
	switch {
	case p.has("i", "install"):
		op.Action = Install
	case p.has("r", "remove", "P", "purge"):
		op.Action = Remove
	default:
		return op
	}
	op.Specs = specs(p.pos)
	return op
}

var (
	rpmSpec = optSpec{"cdexR", longs("config", "installroot", "releasever", "enablerepo", "disablerepo",
		"setopt", "exclude", "repo", "repoid", "forcearch", "downloaddir", "destdir", "comment",
		"debuglevel", "errorlevel", "rpmverbosity", "color", "repofrompath", "excludepkgs", "disableplugin",
		"enableplugin")}
	rpmActions = map[string]string{
		"install": Install, "in": Install, "reinstall": Install, "localinstall": Install,
		"groupinstall": Install,
		"remove":       Remove, "erase": Remove, "rm": Remove, "autoremove": Remove, "groupremove": Remove,
		"update": Upgrade, "upgrade": Upgrade, "up": Upgrade, "update-minimal": Upgrade,
		"upgrade-minimal": Upgrade, "distro-sync": Upgrade, "dsync": Upgrade, "groupupdate": Upgrade,
		"makecache": Update, "check-update": Update,
		"clean": Clean,
	}
)

// rpm handles yum, dnf, microdnf and tdnf, which share their CLI. For them
// `update` means upgrade; only makecache merely refreshes the indexes.
func rpm(manager string, args []string) Op {
	p := parse(args, rpmSpec, rpmSpec)
	op := Op{Manager: manager, Action: Other, Flags: p.flags}
	if len(p.pos) == 0 {
		return op
	}
	sub, rest := p.pos[0], p.pos[1:]
	group := strings.HasPrefix(sub, "group")
	if (sub == "group" || sub == "groups" || sub == "module") && len(rest) > 0 {
		group = sub != "module"
		sub, rest = rest[0], rest[1:]
		if sub == "upgrade" || sub == "update" {
			sub = "groupupdate"
		}
	}
	op.Action = actionOf(sub, rpmActions)
	switch op.Action {
	case Install, Remove, Upgrade:
		op.Specs = specs(rest)
	}
	if group {
		// dnf spells groups as @name; doing the same keeps them apart from
		// packages of the same name.
		for i, s := range op.Specs {
			if !strings.HasPrefix(s, "@") {
				op.Specs[i] = "@" + s
			}
		}
	}
	return op
}

var (
	zypperGlobal = optSpec{"RcDCx", longs("root", "config", "reposd-dir", "cache-dir", "raw-cache-dir",
		"solv-cache-dir", "pkg-cache-dir", "userdata")}
	zypperSub = optSpec{"trp", longs("type", "repo", "from", "download", "name", "capability")}
	zypperAct = map[string]string{
		"install": Install, "in": Install,
		"remove": Remove, "rm": Remove,
		"refresh": Update, "ref": Update,
		"update": Upgrade, "up": Upgrade, "dist-upgrade": Upgrade, "dup": Upgrade, "patch": Upgrade,
		"clean": Clean, "cc": Clean,
	}
)

func zypper(args []string) Op {
	p := parse(args, zypperGlobal, zypperSub)
	op := Op{Manager: "zypper", Action: Other, Flags: p.flags}
	if len(p.pos) == 0 {
		return op
	}
	op.Action = actionOf(p.pos[0], zypperAct)
	switch op.Action {
	case Install, Remove, Upgrade:
		op.Specs = specs(p.pos[1:])
	}
	return op
}

func isPip(name string) bool {
	if !strings.HasPrefix(name, "pip") {
		return false
	}
	v := name[3:]
	for i := 0; i < len(v); i++ {
		if (v[i] < '0' || v[i] > '9') && v[i] != '.' {
			return false
		}
	}
	return true
}

func isPython(name string) bool {
	if !strings.HasPrefix(name, "python") {
		return false
	}
	return isPip("pip" + name[len("python"):])
}

// pythonMPip finds `-m pip` among the interpreter options of python and
// returns the arguments that follow it.
func pythonMPip(args []string) ([]string, bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-m":
			if i+1 < len(args) && args[i+1] == "pip" {
				return args[i+2:], true
			}
			return nil, false
		case a == "-mpip":
			return args[i+1:], true
		case a == "-W" || a == "-X":
			i++
		case !strings.HasPrefix(a, "-"):
			return nil, false // a script
		}
	}
	return nil, false
}

var (
	pipSpec = optSpec{"rceiftb", longs("requirement", "constraint", "editable", "index-url",
		"extra-index-url", "trusted-host", "find-links", "target", "prefix", "root", "src",
		"upgrade-strategy", "progress-bar", "cache-dir", "log", "proxy", "retries", "timeout",
		"exists-action", "cert", "client-cert", "platform", "python-version", "implementation",
		"abi", "only-binary", "no-binary", "config-settings", "global-option", "report", "python",
		"build", "keyring-provider", "use-feature", "use-deprecated")}
	pipActions = map[string]string{"install": Install, "uninstall": Remove}
)

func pip(args []string) Op {
	p := parse(args, pipSpec, pipSpec)
	op := Op{Manager: "pip", Action: Other, Flags: p.flags}
	if len(p.pos) == 0 {
		return op
	}
	sub := p.pos[0]
	op.Action = actionOf(sub, pipActions)
	switch {
	case op.Action == Install:
		var s []string
		// An editable install installs the project at the path, so it is
		// a package rather than an option value.
		for _, o := range p.vals {
			if o.name == "e" || o.name == "editable" {
				s = append(s, o.val)
			}
		}
		op.Specs = specs(append(s, p.pos[1:]...))
	case op.Action == Remove:
		op.Specs = specs(p.pos[1:])
	case sub == "cache" && len(p.pos) > 1 && p.pos[1] == "purge":
		op.Action = Clean
	}
	return op
}

var (
	npmSpec = optSpec{"w", longs("prefix", "registry", "cache", "userconfig", "globalconfig",
		"loglevel", "tag", "omit", "include", "workspace", "only", "location", "install-strategy")}
	npmActions = map[string]string{
		"install": Install, "i": Install, "in": Install, "ins": Install, "add": Install,
		"isntall": Install, "ci": Install, "clean-install": Install, "install-clean": Install,
		"ic": Install, "isntall-clean": Install, "it": Install, "install-test": Install,
		"uninstall": Remove, "un": Remove, "rm": Remove, "r": Remove, "remove": Remove, "unlink": Remove,
		"update": Upgrade, "up": Upgrade, "upgrade": Upgrade, "udpate": Upgrade,
	}
)

func npm(args []string) Op {
	p := parse(args, npmSpec, npmSpec)
	op := Op{Manager: "npm", Action: Other, Flags: p.flags}
	loc := p.val("location")
	op.Global = p.has("g", "global") || loc == "global"
	if len(p.pos) == 0 {
		return op
	}
	sub := p.pos[0]
	op.Action = actionOf(sub, npmActions)
	switch {
	case op.Action != Other:
		op.Specs = specs(p.pos[1:])
	case sub == "cache" && len(p.pos) > 1 && p.pos[1] == "clean":
		op.Action = Clean
	}
	return op
}

var (
	yarnSpec = optSpec{"", longs("cwd", "modules-folder", "cache-folder", "network-timeout",
		"registry", "mutex", "global-folder", "link-folder")}
	yarnActions = map[string]string{
		"add": Install, "install": Install,
		"remove":  Remove,
		"upgrade": Upgrade, "up": Upgrade,
	}
)

func yarn(args []string) Op {
	p := parse(args, yarnSpec, yarnSpec)
	op := Op{Manager: "yarn", Action: Install, Flags: p.flags}
	pos := p.pos
	if len(pos) > 0 && pos[0] == "global" {
		op.Global = true
		pos = pos[1:]
	}
	if len(pos) == 0 {
		// Bare `yarn` installs the project's dependencies; `yarn
		// --version` and `yarn --help` only print.
		if p.has("v", "version", "h", "help") {
			op.Action = Other
		}
		return op
	}
	sub := pos[0]
	op.Action = actionOf(sub, yarnActions)
	switch {
	case op.Action == Install && sub == "install":
		// `yarn install` takes no packages.
	case op.Action != Other:
		op.Specs = specs(pos[1:])
	case sub == "cache" && len(pos) > 1 && pos[1] == "clean":
		op.Action = Clean
	}
	return op
}

var (
	pnpmSpec = optSpec{"FC", longs("filter", "dir", "store-dir", "registry", "reporter",
		"virtual-store-dir", "modules-dir", "workspace-root")}
	pnpmActions = map[string]string{
		"add": Install, "install": Install, "i": Install,
		"remove": Remove, "rm": Remove, "uninstall": Remove, "un": Remove,
		"update": Upgrade, "up": Upgrade, "upgrade": Upgrade,
	}
)

func pnpm(args []string) Op {
	p := parse(args, pnpmSpec, pnpmSpec)
	op := Op{Manager: "pnpm", Action: Other, Flags: p.flags}
	op.Global = p.has("g", "global")
	if len(p.pos) == 0 {
		return op
	}
	sub := p.pos[0]
	op.Action = actionOf(sub, pnpmActions)
	switch {
	case op.Action != Other:
		op.Specs = specs(p.pos[1:])
	case sub == "store" && len(p.pos) > 1 && p.pos[1] == "prune":
		op.Action = Clean
	}
	return op
}

var (
	gemSpec = optSpec{"vsinp", longs("version", "source", "install-dir", "bindir", "platform",
		"config-file", "document", "build-root", "env-shebang", "file")}
	gemActions = map[string]string{
		"install": Install, "i": Install,
		"uninstall": Remove,
		"update":    Upgrade,
		"cleanup":   Clean,
	}
)

func gem(args []string) Op {
	p := parse(args, gemSpec, gemSpec)
	op := Op{Manager: "gem", Action: Other, Flags: p.flags}
	if len(p.pos) == 0 {
		return op
	}
	op.Action = actionOf(p.pos[0], gemActions)
	if op.Action == Install || op.Action == Remove || op.Action == Upgrade {
		op.Specs = specs(p.pos[1:])
	}
	return op
}

var cargoSpec = optSpec{"jF", longs("version", "vers", "git", "branch", "tag", "rev", "path",
	"root", "index", "registry", "jobs", "target", "features", "profile", "bin", "example",
	"target-dir", "config", "color")}

func cargo(args []string) (Op, bool) {
	p := parse(args, cargoSpec, cargoSpec)
	if len(p.pos) == 0 {
		return Op{}, false
	}
	var action string
	switch p.pos[0] {
	case "install":
		action = Install
	case "uninstall":
		action = Remove
	default:
		return Op{}, false
	}
	return Op{Manager: "cargo", Action: action, Flags: p.flags, Specs: specs(p.pos[1:])}, true
}

// goFlagsWithValue are the build flags of `go install/get` that take the next
// word; go spells long options with a single dash.
var goFlagsWithValue = longs("C", "p", "o", "ldflags", "gcflags", "asmflags", "gccgoflags",
	"tags", "mod", "modfile", "pkgdir", "toolexec", "overlay", "pgo", "buildmode", "compiler",
	"installsuffix", "exec", "covermode", "coverpkg", "buildvcs")

func goInstall(args []string) (Op, bool) {
	if len(args) == 0 || (args[0] != "install" && args[0] != "get") {
		return Op{}, false
	}
	op := Op{Manager: "go", Action: Install}
	var pos []string
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		op.Flags = append(op.Flags, a)
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && goFlagsWithValue[name] && i+1 < len(args) {
			i++
			op.Flags = append(op.Flags, args[i])
		}
	}
	op.Specs = specs(pos)
	return op, true
}
