package pkgops

import (
	"reflect"
	"testing"

	"github.com/hardline-dev/hardline/pkg/shellcmd"
)

func lookup(name string) (string, bool) {
	v, ok := map[string]string{"PHP_VERSION": "8.3", "BUILD_DEPS": "gcc make"}[name]
	return v, ok
}

// opsOf runs a RUN script through shellcmd and pkgops, as the Dockerfile
// facts builder does.
func opsOf(t *testing.T, script string) []Op {
	t.Helper()
	r := shellcmd.Parse(script, lookup)
	if r.Error != "" {
		t.Fatalf("shellcmd.Parse(%q): %s", script, r.Error)
	}
	return FromCommands(r.Commands)
}

var opCases = []struct {
	name   string
	script string
	want   []Op
}{
	{
		name:   "apk virtual build deps",
		script: "apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del --no-network .build-deps",
		want: []Op{
			{Manager: "apk", Action: Install, Packages: []string{"gcc", "musl-dev"}, Specs: []string{"gcc", "musl-dev"},
				Virtual: ".build-deps", Flags: []string{"--no-cache", "--virtual", ".build-deps"}, Command: 0},
			{Manager: "apk", Action: Remove, Packages: []string{".build-deps"}, Specs: []string{".build-deps"},
				Flags: []string{"--no-network"}, Command: 2},
		},
	},
	{
		name:   "apk flags before subcommand, values not packages",
		script: "apk --no-cache -X https://dl-cdn.alpinelinux.org/alpine/edge/testing --root /mnt add -t .deps curl=8.5.0-r0 bash~5.2 py3-pip@edge",
		want: []Op{{Manager: "apk", Action: Install,
			Packages: []string{"curl", "bash", "py3-pip"},
			Specs:    []string{"curl=8.5.0-r0", "bash~5.2", "py3-pip@edge"},
			Virtual:  ".deps",
			Flags:    []string{"--no-cache", "-X", "https://dl-cdn.alpinelinux.org/alpine/edge/testing", "--root", "/mnt", "-t", ".deps"}}},
	},
	{
		name:   "apk update upgrade cache clean info",
		script: "apk update; apk upgrade --available; apk cache clean; apk info -v",
		want: []Op{
			{Manager: "apk", Action: Update, Command: 0},
			{Manager: "apk", Action: Upgrade, Flags: []string{"--available"}, Command: 1},
			{Manager: "apk", Action: Clean, Command: 2},
			{Manager: "apk", Action: Other, Flags: []string{"-v"}, Command: 3},
		},
	},
	{
		name:   "docker-library apt pattern",
		script: "set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates curl=7.88.1-10 libssl3:amd64; rm -rf /var/lib/apt/lists/*",
		want: []Op{
			{Manager: "apt", Action: Update, Command: 1},
			{Manager: "apt", Action: Install, Packages: []string{"ca-certificates", "curl", "libssl3"},
				Specs: []string{"ca-certificates", "curl=7.88.1-10", "libssl3:amd64"},
				Flags: []string{"-y", "--no-install-recommends"}, Command: 2},
		},
	},
	{
		name:   "apt options with values, release pin and local deb",
		script: `sudo DEBIAN_FRONTEND=noninteractive apt-get -o Dpkg::Options::="--force-confold" -qq install -t bookworm-backports -y ./local.deb golang/bookworm-backports`,
		want: []Op{{Manager: "apt", Action: Install,
			Packages: []string{"./local.deb", "golang"},
			Specs:    []string{"./local.deb", "golang/bookworm-backports"},
			Flags:    []string{"-o", "Dpkg::Options::=--force-confold", "-qq", "-t", "bookworm-backports", "-y"}}},
	},
	{
		name:   "apt remove purge autoremove upgrade clean",
		script: "apt-get purge -y --auto-remove gcc; apt-get autoremove -y; apt dist-upgrade -y; apt-get clean; aptitude safe-upgrade; apt-get source x; apt-get dist-clean",
		want: []Op{
			{Manager: "apt", Action: Remove, Packages: []string{"gcc"}, Specs: []string{"gcc"}, Flags: []string{"-y", "--auto-remove"}, Command: 0},
			{Manager: "apt", Action: Remove, Flags: []string{"-y"}, Command: 1},
			{Manager: "apt", Action: Upgrade, Flags: []string{"-y"}, Command: 2},
			{Manager: "apt", Action: Clean, Command: 3},
			{Manager: "apt", Action: Upgrade, Command: 4},
			{Manager: "apt", Action: Other, Command: 5},
			{Manager: "apt", Action: Clean, Command: 6},
		},
	},
	{
		name:   "dpkg",
		script: "dpkg -i /tmp/x.deb; dpkg --purge foo; dpkg -r bar; dpkgArch=\"$(dpkg --print-architecture)\"",
		want: []Op{
			{Manager: "dpkg", Action: Install, Packages: []string{"/tmp/x.deb"}, Specs: []string{"/tmp/x.deb"}, Flags: []string{"-i"}, Command: 0},
			{Manager: "dpkg", Action: Remove, Packages: []string{"foo"}, Specs: []string{"foo"}, Flags: []string{"--purge"}, Command: 1},
			{Manager: "dpkg", Action: Remove, Packages: []string{"bar"}, Specs: []string{"bar"}, Flags: []string{"-r"}, Command: 2},
			{Manager: "dpkg", Action: Other, Flags: []string{"--print-architecture"}, Command: 3},
		},
	},
	{
		name:   "yum and dnf",
		script: `yum install -y --setopt=tsflags=nodocs --enablerepo epel nginx-1.20.1 httpd.x86_64 && yum clean all; dnf -y update; dnf makecache; dnf erase -y vim`,
		want: []Op{
			{Manager: "yum", Action: Install, Packages: []string{"nginx-1.20.1", "httpd"}, Specs: []string{"nginx-1.20.1", "httpd.x86_64"},
				Flags: []string{"-y", "--setopt=tsflags=nodocs", "--enablerepo", "epel"}, Command: 0},
			{Manager: "yum", Action: Clean, Command: 1},
			{Manager: "dnf", Action: Upgrade, Flags: []string{"-y"}, Command: 2},
			{Manager: "dnf", Action: Update, Command: 3},
			{Manager: "dnf", Action: Remove, Packages: []string{"vim"}, Specs: []string{"vim"}, Flags: []string{"-y"}, Command: 4},
		},
	},
	{
		name:   "groups",
		script: `yum groupinstall -y "Development Tools"; dnf group install -y 'Server' @core; microdnf install -y --nodocs shadow-utils; tdnf remove -y x`,
		want: []Op{
			{Manager: "yum", Action: Install, Packages: []string{"@Development Tools"}, Specs: []string{"@Development Tools"}, Flags: []string{"-y"}, Command: 0},
			{Manager: "dnf", Action: Install, Packages: []string{"@Server", "@core"}, Specs: []string{"@Server", "@core"}, Flags: []string{"-y"}, Command: 1},
			{Manager: "microdnf", Action: Install, Packages: []string{"shadow-utils"}, Specs: []string{"shadow-utils"}, Flags: []string{"-y", "--nodocs"}, Command: 2},
			{Manager: "tdnf", Action: Remove, Packages: []string{"x"}, Specs: []string{"x"}, Flags: []string{"-y"}, Command: 3},
		},
	},
	{
		name:   "zypper global flags and aliases",
		script: "zypper --non-interactive --no-gpg-checks in -y --no-recommends -t pattern devel_basis 'curl>=8'; zypper -n ref; zypper -n dup; zypper cc -a; zypper rm -y vim",
		want: []Op{
			{Manager: "zypper", Action: Install, Packages: []string{"devel_basis", "curl"}, Specs: []string{"devel_basis", "curl>=8"},
				Flags: []string{"--non-interactive", "--no-gpg-checks", "-y", "--no-recommends", "-t", "pattern"}, Command: 0},
			{Manager: "zypper", Action: Update, Flags: []string{"-n"}, Command: 1},
			{Manager: "zypper", Action: Upgrade, Flags: []string{"-n"}, Command: 2},
			{Manager: "zypper", Action: Clean, Flags: []string{"-a"}, Command: 3},
			{Manager: "zypper", Action: Remove, Packages: []string{"vim"}, Specs: []string{"vim"}, Flags: []string{"-y"}, Command: 4},
		},
	},
	{
		name:   "pip variants",
		script: `pip install --no-cache-dir -r requirements.txt "requests[socks]>=2.31" 'uvicorn[standard]==0.29'; pip3.11 install --index-url https://pypi.example/simple --trusted-host pypi.example -e . -U pip; python3 -m pip install --user Django~=5.0; pip uninstall -y six`,
		want: []Op{
			{Manager: "pip", Action: Install, Packages: []string{"requests", "uvicorn"}, Specs: []string{"requests[socks]>=2.31", "uvicorn[standard]==0.29"},
				Flags: []string{"--no-cache-dir", "-r", "requirements.txt"}, Command: 0},
			{Manager: "pip", Action: Install, Packages: []string{".", "pip"}, Specs: []string{".", "pip"},
				Flags: []string{"--index-url", "https://pypi.example/simple", "--trusted-host", "pypi.example", "-e", ".", "-U"}, Command: 1},
			{Manager: "pip", Action: Install, Packages: []string{"Django"}, Specs: []string{"Django~=5.0"}, Flags: []string{"--user"}, Command: 2},
			{Manager: "pip", Action: Remove, Packages: []string{"six"}, Specs: []string{"six"}, Flags: []string{"-y"}, Command: 3},
		},
	},
	{
		name:   "python without -m pip is not pip",
		script: "python3 -c 'import pip'; python3 setup.py install; python -m venv /venv",
		want:   nil,
	},
	{
		name:   "npm",
		script: "npm ci --omit=dev; npm install; npm install -g @angular/cli@17.3.0 typescript@^5; npm i --location global pm2; npm cache clean --force; npm run build; npm uninstall lodash",
		want: []Op{
			{Manager: "npm", Action: Install, Flags: []string{"--omit=dev"}, Command: 0},
			{Manager: "npm", Action: Install, Command: 1},
			{Manager: "npm", Action: Install, Packages: []string{"@angular/cli", "typescript"}, Specs: []string{"@angular/cli@17.3.0", "typescript@^5"},
				Flags: []string{"-g"}, Global: true, Command: 2},
			{Manager: "npm", Action: Install, Packages: []string{"pm2"}, Specs: []string{"pm2"}, Flags: []string{"--location", "global"}, Global: true, Command: 3},
			{Manager: "npm", Action: Clean, Flags: []string{"--force"}, Command: 4},
			{Manager: "npm", Action: Other, Command: 5},
			{Manager: "npm", Action: Remove, Packages: []string{"lodash"}, Specs: []string{"lodash"}, Command: 6},
		},
	},
	{
		name:   "yarn and pnpm",
		script: "yarn; yarn install --frozen-lockfile; yarn global add serve@14; yarn add -D jest; yarn cache clean; yarn build; pnpm add -g pnpm@9; pnpm i --frozen-lockfile; pnpm store prune; yarn --version",
		want: []Op{
			{Manager: "yarn", Action: Install, Command: 0},
			{Manager: "yarn", Action: Install, Flags: []string{"--frozen-lockfile"}, Command: 1},
			{Manager: "yarn", Action: Install, Packages: []string{"serve"}, Specs: []string{"serve@14"}, Global: true, Command: 2},
			{Manager: "yarn", Action: Install, Packages: []string{"jest"}, Specs: []string{"jest"}, Flags: []string{"-D"}, Command: 3},
			{Manager: "yarn", Action: Clean, Command: 4},
			{Manager: "yarn", Action: Other, Command: 5},
			{Manager: "pnpm", Action: Install, Packages: []string{"pnpm"}, Specs: []string{"pnpm@9"}, Flags: []string{"-g"}, Global: true, Command: 6},
			{Manager: "pnpm", Action: Install, Flags: []string{"--frozen-lockfile"}, Command: 7},
			{Manager: "pnpm", Action: Clean, Command: 8},
			{Manager: "yarn", Action: Other, Flags: []string{"--version"}, Command: 9},
		},
	},
	{
		name:   "gem cargo go",
		script: "gem install bundler -v 2.5.6 --no-document; gem install rails:7.1; cargo install --locked ripgrep@14.1.0; cargo build --release; go install golang.org/x/tools/gopls@latest; go build -o /app .",
		want: []Op{
			{Manager: "gem", Action: Install, Packages: []string{"bundler"}, Specs: []string{"bundler"}, Flags: []string{"-v", "2.5.6", "--no-document"}, Command: 0},
			{Manager: "gem", Action: Install, Packages: []string{"rails"}, Specs: []string{"rails:7.1"}, Command: 1},
			{Manager: "cargo", Action: Install, Packages: []string{"ripgrep"}, Specs: []string{"ripgrep@14.1.0"}, Flags: []string{"--locked"}, Command: 2},
			{Manager: "go", Action: Install, Packages: []string{"golang.org/x/tools/gopls"}, Specs: []string{"golang.org/x/tools/gopls@latest"}, Command: 4},
		},
	},
	{
		name:   "variables: known ones split, unknown kept",
		script: "apk add --no-cache $BUILD_DEPS php${PHP_VERSION}-dev ${EXTRA_PKGS}",
		want: []Op{{Manager: "apk", Action: Install,
			Packages: []string{"gcc", "make", "php8.3-dev", "${EXTRA_PKGS}"},
			Specs:    []string{"gcc", "make", "php8.3-dev", "${EXTRA_PKGS}"},
			Flags:    []string{"--no-cache"}}},
	},
	{
		name:   "nested shell and xargs",
		script: `sh -c "apt-get update && apt-get install -y curl" && cat pkgs.txt | xargs -r apt-get install -y`,
		want: []Op{
			{Manager: "apt", Action: Update, Command: 1},
			{Manager: "apt", Action: Install, Packages: []string{"curl"}, Specs: []string{"curl"}, Flags: []string{"-y"}, Command: 2},
			{Manager: "apt", Action: Install, Flags: []string{"-y"}, Command: 4},
		},
	},
	{
		name:   "not package managers",
		script: "curl -fsSL https://x | sh; make install; ./configure; pip-compile req.in; apkindex x",
		want:   nil,
	},
}

func TestFromCommands(t *testing.T) {
	for _, tc := range opCases {
		t.Run(tc.name, func(t *testing.T) {
			got := opsOf(t, tc.script)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ops mismatch\n got: %+v\nwant: %+v", got, tc.want)
			}
		})
	}
}

func TestFromCommandIndexAndNoAliasing(t *testing.T) {
	args := []string{"add", "curl"}
	op, ok := FromCommand(shellcmd.Command{Name: "apk", Args: args}, 7)
	if !ok || op.Command != 7 {
		t.Fatalf("got %+v, %v", op, ok)
	}
	op.Specs[0] = "changed"
	if args[1] != "curl" {
		t.Errorf("Op.Specs aliases the command's Args")
	}
	if _, ok := FromCommand(shellcmd.Command{Name: "ls", Args: []string{"-l"}}, 0); ok {
		t.Errorf("ls recognised as a package manager")
	}
	if _, ok := FromCommand(shellcmd.Command{}, 0); ok {
		t.Errorf("empty command recognised")
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct{ manager, spec, want string }{
		{"apt", "curl=7.8-1", "curl"},
		{"apt-get", "pkg:amd64", "pkg"},
		{"apt", "libstdc++6=12.2", "libstdc++6"},
		{"apt", "golang/bookworm-backports", "golang"},
		{"apt", "./local.deb", "./local.deb"},
		{"apt", "x_1.0_amd64.deb", "x_1.0_amd64.deb"},
		{"apt", "${PKG:-curl}=1.0", "${PKG:-curl}"},
		{"apk", "gcc~12", "gcc"},
		{"apk", "curl=8.5.0-r0", "curl"},
		{"apk", "py3-pip@edge", "py3-pip"},
		{"apk", "so:libssl.so.3", "so:libssl.so.3"},
		{"pip", "requests[socks]>=2", "requests"},
		{"pip3", "Django~=5.0", "Django"},
		{"pip", "numpy!=1.0; python_version<'3.12'", "numpy"},
		{"pip", "git+https://github.com/x/y.git@v1#egg=mypkg", "mypkg"},
		{"pip", "https://files.example/x-1.0.whl", "https://files.example/x-1.0.whl"},
		{"pip", "pkg @ https://x/pkg.zip", "pkg"},
		{"npm", "@scope/x@1.2", "@scope/x"},
		{"npm", "@scope/x", "@scope/x"},
		{"yarn", "lodash@^4.17.21", "lodash"},
		{"pnpm", "file:../lib", "file:../lib"},
		{"dnf", "httpd.x86_64", "httpd"},
		{"yum", "nginx >= 1.20", "nginx"},
		{"zypper", "curl>=8", "curl"},
		{"dnf", "@Development Tools", "@Development Tools"},
		{"gem", "rails:7.1", "rails"},
		{"cargo", "ripgrep@14", "ripgrep"},
		{"go", "golang.org/x/tools/gopls@v0.15.0", "golang.org/x/tools/gopls"},
		{"apt", "$(cat pkgs.txt)", "$(cat pkgs.txt)"},
		{"apt", "  curl  ", "curl"},
		{"apk", "=1.0", "=1.0"},
		{"unknown", "x=1", "x"},
		{"apt", "", ""},
	}
	for _, tc := range cases {
		if got := Normalize(tc.manager, tc.spec); got != tc.want {
			t.Errorf("Normalize(%q, %q) = %q, want %q", tc.manager, tc.spec, got, tc.want)
		}
	}
}
