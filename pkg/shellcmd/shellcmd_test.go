package shellcmd

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

var testEnv = map[string]string{
	"VERSION":     "1.2",
	"EMPTY":       "",
	"PKGS":        "curl  git",
	"TARGETARCH":  "amd64",
	"NODE_MAJOR":  "20",
	"INSTALL_URL": "https://get.example.com/install.sh",
}

func testLookup(name string) (string, bool) {
	v, ok := testEnv[name]
	return v, ok
}

type parseCase struct {
	name   string
	script string
	want   []string // describe() of each command
	vars   []string // nil: not checked
	err    string   // expected Error prefix; "" means no error
}

var parseCases = []parseCase{
	{
		name:   "single command",
		script: "apt-get update",
		want:   []string{"L1 P0:0/1 apt-get update"},
	},
	{
		name:   "docker-library apt pattern",
		script: "set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates curl; rm -rf /var/lib/apt/lists/*",
		want: []string{
			"L1 P0:0/1 set -eux",
			"L1 P1:0/1 apt-get update",
			"L1 P2:0/1 apt-get install -y --no-install-recommends ca-certificates curl",
			"L1 P3:0/1 rm -rf /var/lib/apt/lists/*",
		},
	},
	{
		name: "apk virtual build deps chain",
		script: "apk add --no-cache --virtual .build-deps gcc musl-dev \\\n" +
			"\t&& make -j \"$(nproc)\" \\\n" +
			"\t&& apk del --no-network .build-deps",
		want: []string{
			"L1 P0:0/1 apk add --no-cache --virtual .build-deps gcc musl-dev",
			"L2 P1:0/1 ? nproc",
			"L2 P2:0/1 ? make -j $(nproc)",
			"L3 P3:0/1 ? apk del --no-network .build-deps",
		},
	},
	{
		name:   "curl piped to sh",
		script: "curl -fsSL https://x/install.sh | sh",
		want: []string{
			"L1 P0:0/2 curl -fsSL https://x/install.sh",
			"L1 P0:1/2 sh",
		},
	},
	{
		name:   "curl piped to sudo bash with args, URL from ARG",
		script: `curl -fsSL "$INSTALL_URL" | sudo -E bash -s -- --yes`,
		want: []string{
			"L1 P0:0/2 curl -fsSL https://get.example.com/install.sh",
			"L1 P0:1/2 sudo>bash -s -- --yes",
		},
		vars: []string{"INSTALL_URL"},
	},
	{
		name:   "three-stage pipeline then and",
		script: "wget -qO- https://x/a.tgz | gunzip | tar x -C /opt && ls /opt",
		want: []string{
			"L1 P0:0/3 wget -qO- https://x/a.tgz",
			"L1 P0:1/3 gunzip",
			"L1 P0:2/3 tar x -C /opt",
			"L1 P1:0/1 ? ls /opt",
		},
	},
	{
		name:   "subshell as pipeline element",
		script: "curl -s https://x | (cd /tmp && sh)",
		want: []string{
			"L1 P0:0/2 curl -s https://x",
			"L1 P0:1/2 cd /tmp",
			"L1 P0:1/2 ? sh",
		},
	},
	{
		name:   "or and and",
		script: "a && b || c; d",
		want: []string{
			"L1 P0:0/1 a",
			"L1 P1:0/1 ? b",
			"L1 P2:0/1 ? c",
			"L1 P3:0/1 d",
		},
	},
	{
		name:   "if on TARGETARCH with assignment in branches",
		script: `if [ "$TARGETARCH" = amd64 ]; then ARCH=x86_64; elif [ "$TARGETARCH" = arm64 ]; then ARCH=aarch64; else exit 1; fi; curl -o /x.tgz "https://h/${ARCH}.tgz"`,
		want: []string{
			"L1 P0:0/1 [ amd64 = amd64 ]",
			"L1 P1:0/1 ? [ amd64 = arm64 ]",
			"L1 P2:0/1 ? exit 1",
			"L1 P3:0/1 curl -o /x.tgz https://h/${ARCH}.tgz",
		},
		vars: []string{"ARCH", "TARGETARCH"},
	},
	{
		name:   "command substitution runs first",
		script: `echo $(date) "$(id -u)" ` + "`whoami`",
		want: []string{
			"L1 P0:0/1 date",
			"L1 P1:0/1 id -u",
			"L1 P2:0/1 whoami",
			"L1 P3:0/1 echo $(date) \"$(id -u)\" `whoami`",
		},
	},
	{
		name:   "process substitution",
		script: "diff <(sort a) <(sort b)",
		want: []string{
			"L1 P0:0/1 sort a",
			"L1 P1:0/1 sort b",
			`L1 P2:0/1 diff "<(sort a)" "<(sort b)"`,
		},
	},
	{
		name:   "for loop body is conditional",
		script: "for p in $PKGS; do apk add $p; done",
		want:   []string{"L1 P0:0/1 ? apk add ${p}"},
		vars:   []string{"PKGS", "p"},
	},
	{
		name:   "while read loop inherits input redirect",
		script: `while read -r l; do echo "$l"; done < list.txt`,
		want: []string{
			"L1 P0:0/1 read -r l < list.txt",
			"L1 P1:0/1 ? echo ${l} < list.txt",
		},
	},
	{
		name: "case on dpkg arch",
		script: "dpkgArch=\"$(dpkg --print-architecture)\"; case \"${dpkgArch##*-}\" in\n" +
			"  amd64) ARCH='x64';;\n  arm64) ARCH='arm64';;\n  *) echo \"unsupported\"; exit 1;;\nesac",
		want: []string{
			"L1 P0:0/1 dpkg --print-architecture",
			"L4 P1:0/1 ? echo unsupported",
			"L4 P2:0/1 ? exit 1",
		},
		vars: []string{"dpkgArch"},
	},
	{
		name:   "function body is conditional",
		script: "cleanup() { rm -rf /tmp/x; }; cleanup",
		want: []string{
			"L1 P0:0/1 ? rm -rf /tmp/x",
			"L1 P1:0/1 cleanup",
		},
	},
	{
		name:   "nested sh -c",
		script: `sh -c "apt-get update && apt-get install -y curl"`,
		want: []string{
			`L1 P0:0/1 sh -c "apt-get update && apt-get install -y curl"`,
			"L1 P1:0/1 apt-get update",
			"L1 P2:0/1 ? apt-get install -y curl",
		},
	},
	{
		name:   "nested /bin/ash -ec and bash -euxo pipefail -c",
		script: `/bin/ash -ec 'echo $HOME' && bash -euxo pipefail -c 'curl -s x | sh'`,
		want: []string{
			"L1 P0:0/1 ash -ec \"echo $HOME\"",
			"L1 P1:0/1 echo ${HOME}",
			"L1 P2:0/1 ? bash -euxo pipefail -c \"curl -s x | sh\"",
			"L1 P3:0/2 ? curl -s x",
			"L1 P3:1/2 ? sh",
		},
		vars: []string{"HOME"},
	},
	{
		name:   "su -c script",
		script: "su node -c 'npm install -g yarn'",
		want: []string{
			`L1 P0:0/1 su node -c "npm install -g yarn"`,
			"L1 P1:0/1 npm install -g yarn",
		},
	},
	{
		name:   "sh running a file is not a nested script",
		script: "sh ./configure --prefix=/usr",
		want:   []string{"L1 P0:0/1 sh ./configure --prefix=/usr"},
	},
	{
		name:   "nested script lines are offset",
		script: "true\nbash -c 'a\nb'",
		want: []string{
			"L1 P0:0/1 true",
			`L2 P1:0/1 bash -c "a\nb"`,
			"L2 P2:0/1 a",
			"L3 P3:0/1 b",
		},
	},
	{
		name:   "stacked wrappers",
		script: "sudo -u root -E env -i PATH=/bin DEBIAN_FRONTEND=noninteractive nice -n 10 nohup /usr/bin/apt-get install -y tzdata",
		want: []string{
			"L1 P0:0/1 sudo+env+nice+nohup>apt-get install -y tzdata {DEBIAN_FRONTEND=noninteractive PATH=/bin}",
		},
	},
	{
		name:   "timeout stdbuf exec gosu",
		script: "timeout 30s curl -fsS x; stdbuf -oL make; exec gosu app node server.js; su-exec nobody id",
		want: []string{
			"L1 P0:0/1 timeout>curl -fsS x",
			"L1 P1:0/1 stdbuf>make",
			"L1 P2:0/1 exec+gosu>node server.js",
			"L1 P3:0/1 su-exec>id",
		},
	},
	{
		name:   "xargs with options",
		script: "cat list | xargs -r -n 1 -I {} apk add {}",
		want: []string{
			"L1 P0:0/2 cat list",
			"L1 P0:1/2 xargs>apk add {}",
		},
	},
	{
		name:   "wrappers with nothing to run are the program",
		script: "env; xargs; sudo -i; command -v curl; time",
		want: []string{
			"L1 P0:0/1 env",
			"L1 P1:0/1 xargs",
			"L1 P2:0/1 sudo -i",
			"L1 P3:0/1 command -v curl",
		},
	},
	{
		name:   "time keyword and command -p",
		script: "time make -j4; command -p ls",
		want: []string{
			"L1 P0:0/1 time>make -j4",
			"L1 P1:0/1 command>ls",
		},
	},
	{
		name:   "python -m pip is left to pkgops",
		script: "python3 -m pip install --no-cache-dir requests",
		want:   []string{"L1 P0:0/1 python3 -m pip install --no-cache-dir requests"},
	},
	{
		name:   "prefix assignment",
		script: "DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata",
		want:   []string{"L1 P0:0/1 apt-get install -y tzdata {DEBIAN_FRONTEND=noninteractive}"},
	},
	{
		name:   "known unknown and empty variables",
		script: `echo $VERSION ${VERSION} "v${VERSION}" ${NOPE} "$NOPE" $EMPTY "$EMPTY"`,
		want:   []string{`L1 P0:0/1 echo 1.2 1.2 v1.2 ${NOPE} ${NOPE} ""`},
		vars:   []string{"EMPTY", "NOPE", "VERSION"},
	},
	{
		name:   "default and alternate operators",
		script: `echo ${EMPTY:-d} ${EMPTY-d} "${EMPTY-d}" ${VERSION:-d} ${VERSION:+set} ${EMPTY:+set} ${EMPTY+set} ${NOPE:-def} ${NOPE+x} ${VERSION:?}`,
		want:   []string{`L1 P0:0/1 echo d "" 1.2 set set ${NOPE:-def} ${NOPE+x} 1.2`},
	},
	{
		name:   "unquoted known value is field split",
		script: `apk add $PKGS; apk add "$PKGS"; apk add x$PKGS`,
		want: []string{
			"L1 P0:0/1 apk add curl git",
			`L1 P1:0/1 apk add "curl  git"`,
			"L1 P2:0/1 apk add xcurl git",
		},
	},
	{
		name:   "string operators via expand when known",
		script: `echo ${#VERSION} ${VERSION%.*} ${VERSION/./-} ${NOPE%.*} ${VERSION%$NOPE}`,
		want:   []string{`L1 P0:0/1 echo 3 1 1-2 ${NOPE%.*} ${VERSION%$NOPE}`},
		vars:   []string{"NOPE", "VERSION"},
	},
	{
		name:   "special parameters are kept and not listed",
		script: `echo $1 "$@" $? $$ "$#" ${0}`,
		want:   []string{`L1 P0:0/1 echo $1 $@ $? $$ $# ${0}`},
		vars:   []string{},
	},
	{
		name:   "arithmetic names are variables",
		script: `echo $(( N + $M ))`,
		want:   []string{`L1 P0:0/1 echo "$(( N + $M ))"`},
		vars:   []string{"M", "N"},
	},
	{
		name:   "script-local assignments are tracked",
		script: `URL=https://x/i.sh; curl -fsSL $URL | sh; VERSION=9; echo $VERSION; VERSION=7 echo $VERSION`,
		want: []string{
			"L1 P0:0/2 curl -fsSL https://x/i.sh",
			"L1 P0:1/2 sh",
			"L1 P1:0/1 echo 9",
			"L1 P2:0/1 echo 9 {VERSION=7}",
		},
	},
	{
		name:   "conditional or computed assignments become unknown",
		script: `V=1; if c; then V=2; fi; echo $V; A="$(uname -m)"; echo $A; for i in 1 2; do :; done; echo $i`,
		want: []string{
			"L1 P0:0/1 c",
			"L1 P1:0/1 echo ${V}",
			"L1 P2:0/1 uname -m",
			"L1 P3:0/1 echo ${A}",
			"L1 P4:0/1 ? :",
			"L1 P5:0/1 echo ${i}",
		},
	},
	{
		name:   "quoting and escapes",
		script: `echo 'a b' "c \"d\" \$e" f\ g $'x\ty' "\q"`,
		want:   []string{`L1 P0:0/1 echo "a b" "c \"d\" $e" "f g" "x\ty" "\\q"`},
	},
	{
		name:   "globs are kept",
		script: `rm -rf /var/cache/apk/* /tmp/[ab]?.log`,
		want:   []string{"L1 P0:0/1 rm -rf /var/cache/apk/* /tmp/[ab]?.log"},
	},
	{
		name:   "redirects with fds",
		script: `echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" >> ~/.npmrc; make 2>&1 >/dev/null; cmd &> log; tr a b <<< "$VERSION"`,
		want: []string{
			"L1 P0:0/1 echo //registry.npmjs.org/:_authToken=${NPM_TOKEN} >> ~/.npmrc",
			"L1 P1:0/1 make 2>& 1 > /dev/null",
			"L1 P2:0/1 cmd &> log",
			"L1 P3:0/1 tr a b <<< 1.2",
		},
	},
	{
		name:   "heredoc body is expanded",
		script: "cat <<EOF > /root/.netrc\nmachine x login $VERSION password $TOKEN\nEOF\necho done",
		want: []string{
			`L1 P0:0/1 cat << EOF<<"machine x login 1.2 password ${TOKEN}\n">> > /root/.netrc`,
			"L4 P1:0/1 echo done",
		},
		vars: []string{"TOKEN", "VERSION"},
	},
	{
		name:   "quoted heredoc is verbatim",
		script: "cat <<'EOF' > f\n$NOT \\$x\nEOF",
		want:   []string{`L1 P0:0/1 cat << EOF<<"$NOT \\$x\n">> > f`},
	},
	{
		name:   "dash heredoc strips tabs",
		script: "cat <<-EOF > f\n\thello $VERSION\n\tEOF",
		want:   []string{`L1 P0:0/1 cat <<- EOF<<"hello 1.2\n">> > f`},
	},
	{
		name:   "heredoc fed to a shell is parsed",
		script: "sh -eux <<EOF\napk add curl\necho $VERSION\nEOF",
		want: []string{
			`L1 P0:0/1 sh -eux << EOF<<"apk add curl\necho 1.2\n">>`,
			"L2 P1:0/1 apk add curl",
			"L3 P2:0/1 echo 1.2",
		},
	},
	{
		name:   "heredoc to a shell running a file is data",
		script: "bash ./install.sh <<EOF\nyes\nEOF",
		want:   []string{`L1 P0:0/1 bash ./install.sh << EOF<<"yes\n">>`},
	},
	{
		name:   "eval runs its arguments",
		script: `eval "apk add $PKGS"`,
		want: []string{
			`L1 P0:0/1 eval "apk add curl  git"`,
			"L1 P1:0/1 apk add curl git",
		},
	},
	// The enclosing shell substitutes `$(curl …)` and the nested shell
	// parses curl's output as its script: unknown code, not a command
	// named after the substitution's text, and curl runs once.
	{
		name:   "shell running a command substitution's output",
		script: `BLACKFIRE_INSTALL_METHOD=raw bash -c "$(curl -L https://installer.blackfire.io/installer.sh)"`,
		want: []string{
			"L1 P0:0/1 curl -L https://installer.blackfire.io/installer.sh",
			`L1 P1:0/1 bash -c "$(curl -L https://installer.blackfire.io/installer.sh)" {BLACKFIRE_INSTALL_METHOD=raw}`,
		},
	},
	{
		name:   "eval of a command substitution's output",
		script: "eval \"$(ssh-agent -s)\"; sh -c \"`wget -qO- https://h/x.sh`\" -- --yes",
		want: []string{
			"L1 P0:0/1 ssh-agent -s",
			`L1 P1:0/1 eval "$(ssh-agent -s)"`,
			"L1 P2:0/1 wget -qO- https://h/x.sh",
			"L1 P3:0/1 sh -c \"`wget -qO- https://h/x.sh`\" -- --yes",
		},
	},
	{
		name:   "substitution in a nested script's arguments runs once",
		script: `sh -c "echo $(id -u) && apt-get install -y x"`,
		want: []string{
			"L1 P0:0/1 id -u",
			`L1 P1:0/1 sh -c "echo $(id -u) && apt-get install -y x"`,
			`L1 P2:0/1 echo "$(id -u)"`,
			"L1 P3:0/1 ? apt-get install -y x",
		},
	},
	{
		name:   "unknown variable as a nested script",
		script: `sh -c "$UNSET_CMD" && su app -c "${UNSET_DIR}/install.sh --yes"`,
		want: []string{
			"L1 P0:0/1 sh -c ${UNSET_CMD}",
			`L1 P1:0/1 ? su app -c "${UNSET_DIR}/install.sh --yes"`,
			"L1 P2:0/1 ? install.sh --yes",
		},
		vars: []string{"UNSET_CMD", "UNSET_DIR"},
	},
	// Single quotes hand `$(…)` to the nested shell: it substitutes and
	// runs the output as one command, whose program is not known.
	{
		name:   "nested shell substituting itself",
		script: `sh -c '$(curl -L https://h/i.sh) --yes'`,
		want: []string{
			`L1 P0:0/1 sh -c "$(curl -L https://h/i.sh) --yes"`,
			"L1 P1:0/1 curl -L https://h/i.sh",
			"L1 P2:0/1 $(curl -L https://h/i.sh) --yes",
		},
	},
	{
		name:   "here-document script with a substitution",
		script: "bash <<EOF\n$(curl -fsSL https://h/x.sh)\napt-get update\nEOF\nbash <<-EOF\n\t$(curl -fsSL https://h/y.sh\n\t)\n\tapk update\n\tEOF",
		want: []string{
			"L2 P0:0/1 curl -fsSL https://h/x.sh",
			`L1 P1:0/1 bash << EOF<<"$(curl -fsSL https://h/x.sh)\napt-get update\n">>`,
			"L3 P2:0/1 apt-get update",
			"L6 P3:0/1 curl -fsSL https://h/y.sh",
			`L5 P4:0/1 bash <<- EOF<<"$(curl -fsSL https://h/y.sh\n)\napk update\n">>`,
			"L8 P5:0/1 apk update",
		},
	},
	// A slash inside unevaluated text separates no directory.
	{
		name:   "program from a substitution or an unknown variable",
		script: `"$(curl -L https://h/installer.sh)"; ${PY:-/usr/bin/python3} -m pip install x; $(dirname $0)/run.sh; ${JAVA_HOME}/bin/java -version`,
		want: []string{
			"L1 P0:0/1 curl -L https://h/installer.sh",
			"L1 P1:0/1 $(curl -L https://h/installer.sh)",
			"L1 P2:0/1 ${PY:-/usr/bin/python3} -m pip install x",
			"L1 P3:0/1 dirname $0",
			"L1 P4:0/1 run.sh",
			"L1 P5:0/1 java -version",
		},
		vars: []string{"JAVA_HOME", "PY"},
	},
	{
		name:   "compound redirect is inherited",
		script: "{ echo a; echo b; } > /etc/x",
		want: []string{
			"L1 P0:0/1 echo a > /etc/x",
			"L1 P1:0/1 echo b > /etc/x",
		},
	},
	{
		name:   "export and declare",
		script: `export PATH=/opt/bin:$PATH GOFLAGS; readonly R=1; echo $R`,
		want: []string{
			"L1 P0:0/1 export PATH=/opt/bin:${PATH} GOFLAGS",
			"L1 P1:0/1 readonly R=1",
			"L1 P2:0/1 echo 1",
		},
	},
	{
		name:   "test clause, negation, background",
		script: `[[ -x $(command -v curl) ]] && echo y; ! grep -q x f; sleep 1 & wait`,
		want: []string{
			"L1 P0:0/1 command -v curl",
			"L1 P1:0/1 ? echo y",
			"L1 P2:0/1 grep -q x f",
			"L1 P3:0/1 sleep 1",
			"L1 P4:0/1 wait",
		},
	},
	{
		name:   "line numbers across continuations",
		script: "apt-get install -y \\\n  curl \\\n  git\nrm -rf /x",
		want: []string{
			"L1 P0:0/1 apt-get install -y curl git",
			"L4 P1:0/1 rm -rf /x",
		},
	},
	{
		name:   "unclosed quote keeps earlier commands",
		script: "echo ok; foo 'bar",
		want:   []string{"L1 P0:0/1 echo ok"},
		err:    "line 1: reached EOF without closing quote",
	},
	{
		name:   "unterminated if",
		script: "echo ok\nif true; then echo x",
		want:   []string{"L1 P0:0/1 echo ok"},
		err:    "line 2: ",
	},
	{
		name:   "empty and comment only",
		script: "  \n# just a comment\n",
		want:   []string{},
	},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			r := Parse(tc.script, testLookup)
			got := make([]string, len(r.Commands))
			for i, c := range r.Commands {
				got[i] = describe(c)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("commands mismatch\n got: %q\nwant: %q", got, tc.want)
			}
			if tc.vars != nil {
				vars := r.Vars
				if vars == nil {
					vars = []string{}
				}
				if !reflect.DeepEqual(vars, tc.vars) {
					t.Errorf("vars = %q, want %q", vars, tc.vars)
				}
			}
			switch {
			case tc.err == "" && r.Error != "":
				t.Errorf("unexpected error %q", r.Error)
			case tc.err != "" && !strings.HasPrefix(r.Error, tc.err):
				t.Errorf("error = %q, want prefix %q", r.Error, tc.err)
			}
			if r.Commands == nil {
				t.Errorf("Commands is nil, want empty slice for stable JSON")
			}
		})
	}
}

func TestParseArgv(t *testing.T) {
	r := Parse(`sudo -u app env A=1 /usr/local/bin/pip3 install "x y"`, nil)
	if len(r.Commands) != 1 {
		t.Fatalf("got %d commands", len(r.Commands))
	}
	c := r.Commands[0]
	wantArgv := []string{"sudo", "-u", "app", "env", "A=1", "/usr/local/bin/pip3", "install", "x y"}
	if !reflect.DeepEqual(c.Argv, wantArgv) {
		t.Errorf("Argv = %q, want %q", c.Argv, wantArgv)
	}
	if c.Name != "pip3" || !reflect.DeepEqual(c.Args, []string{"install", "x y"}) {
		t.Errorf("Name/Args = %q %q", c.Name, c.Args)
	}
}

func TestFromArgv(t *testing.T) {
	cases := []struct {
		name string
		argv []string
		want []string
		vars []string
	}{
		{"plain", []string{"apt-get", "install", "-y", "x"}, []string{"L1 P0:0/1 apt-get install -y x"}, nil},
		{"no expansion in exec form", []string{"echo", "$HOME", "a b"}, []string{`L1 P0:0/1 echo $HOME "a b"`}, nil},
		{"shell -c is replaced by its script", []string{"/bin/sh", "-c", "apt-get update && apt-get install -y $PKGS"},
			[]string{"L1 P0:0/1 apt-get update", "L1 P1:0/1 ? apt-get install -y curl git"}, []string{"PKGS"}},
		{"bash -ec multi-line", []string{"bash", "-ec", "set -x\ncurl x | sh"},
			[]string{"L1 P0:0/1 set -x", "L2 P1:0/2 curl x", "L2 P1:1/2 sh"}, nil},
		{"wrapped shell keeps the wrapper", []string{"sudo", "sh", "-c", "id"},
			[]string{`L1 P0:0/1 sudo>sh -c id`, "L1 P1:0/1 id"}, nil},
		{"shell without script", []string{"sh", "-c"}, []string{"L1 P0:0/1 sh -c"}, nil},
		{"empty", nil, []string{}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := FromArgv(tc.argv, testLookup)
			got := make([]string, len(r.Commands))
			for i, c := range r.Commands {
				got[i] = describe(c)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
			if !reflect.DeepEqual(r.Vars, tc.vars) {
				t.Errorf("vars = %q, want %q", r.Vars, tc.vars)
			}
			if r.Error != "" {
				t.Errorf("unexpected error %q", r.Error)
			}
		})
	}
}

func TestNestedShellDepthIsBounded(t *testing.T) {
	// A value that runs itself: every sh -c level re-expands $SELF, so only
	// the depth limit ends the recursion.
	self := func(name string) (string, bool) {
		if name == "SELF" {
			return `touch x; sh -c "$SELF"`, true
		}
		return "", false
	}
	r := Parse(`sh -c "$SELF"`, self)
	shCount, touchCount := 0, 0
	for _, c := range r.Commands {
		switch c.Name {
		case "sh":
			shCount++
		case "touch":
			touchCount++
		}
	}
	// The outer command plus one sh and one touch per unwrapped level.
	if shCount != maxShellDepth+1 || touchCount != maxShellDepth {
		t.Errorf("got %d sh and %d touch commands, want %d and %d", shCount, touchCount, maxShellDepth+1, maxShellDepth)
	}
	if r.Error != "" {
		t.Errorf("unexpected error %q", r.Error)
	}
}

func TestExponentialExpansionIsBounded(t *testing.T) {
	fork := func(name string) (string, bool) {
		switch name {
		case "X":
			return strings.Repeat(`eval "$X";`, 10), true
		case "BIG":
			return strings.Repeat("a", 1<<20), true
		}
		return "", false
	}
	start := time.Now()
	r := Parse(`eval "$X"`, fork)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
	// The outer eval plus ten evals per nested script parsed.
	if len(r.Commands) != 1+10*maxNestedScripts || r.Error != "line 1: too many nested scripts" {
		t.Errorf("got %d commands, error %q", len(r.Commands), r.Error)
	}

	r = Parse("echo"+strings.Repeat(" $BIG", 40), fork)
	c := r.Commands[0]
	if len(c.Args) != 40 || c.Args[15] != strings.Repeat("a", 1<<20) || c.Args[16] != "${BIG}" {
		t.Errorf("expansion budget not applied as expected")
	}
}

func TestHostileInput(t *testing.T) {
	big := strings.Repeat("apt-get install -y curl && echo \"$X\" | tee -a /tmp/log; ", 1<<20/56)
	cases := []struct {
		name   string
		script string
		err    string
	}{
		{"deep parens", strings.Repeat("(", 200000) + "a" + strings.Repeat(")", 200000), "line 1: nesting too deep"},
		{"deep command substitution", strings.Repeat("$(", 100000) + "a" + strings.Repeat(")", 100000), "line 1: nesting too deep"},
		{"deep ifs", strings.Repeat("if a; then ", 6000) + "b" + strings.Repeat("; fi", 6000), "line 1: nesting too deep"},
		{"long and chain", strings.Repeat("a && ", 50000) + "b", ""},
		{"long pipeline", strings.Repeat("a | ", 50000) + "b", ""},
		{"NUL and invalid UTF-8", "echo \x00\xff\xfe 'a\x00b' \"\xc3\x28\"; ls", ""},
		{"1MB script", big, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			r := Parse(tc.script, testLookup)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			if tc.err == "" && strings.HasPrefix(r.Error, "internal error") {
				t.Errorf("recovered panic: %s", r.Error)
			}
			if tc.err != "" && r.Error != tc.err {
				t.Errorf("error = %q, want %q", r.Error, tc.err)
			}
			checkInvariants(t, r)
		})
	}
	t.Run("chain keeps every command", func(t *testing.T) {
		r := Parse(strings.Repeat("a && ", 50000)+"b", nil)
		if len(r.Commands) != 50001 || !r.Commands[50000].Conditional || r.Commands[0].Conditional {
			t.Errorf("got %d commands", len(r.Commands))
		}
	})
	t.Run("pipeline positions", func(t *testing.T) {
		r := Parse(strings.Repeat("a | ", 999)+"b", nil)
		last := r.Commands[len(r.Commands)-1]
		if len(r.Commands) != 1000 || last.PipePos != 999 || last.PipeLen != 1000 || last.Pipeline != 0 {
			t.Errorf("got %d commands, last %+v", len(r.Commands), last)
		}
	})
}

// checkInvariants asserts properties every Result must have; the fuzz
// target relies on it.
func checkInvariants(t testing.TB, r Result) {
	t.Helper()
	for i, c := range r.Commands {
		if len(c.Argv) == 0 {
			t.Fatalf("command %d has empty argv", i)
		}
		if len(c.Args) >= len(c.Argv) || !reflect.DeepEqual(c.Args, c.Argv[len(c.Argv)-len(c.Args):]) {
			t.Fatalf("command %d: args %q not a suffix of argv %q", i, c.Args, c.Argv)
		}
		if prog := c.Argv[len(c.Argv)-len(c.Args)-1]; c.Name != prog && !strings.HasSuffix(prog, "/"+c.Name) {
			t.Fatalf("command %d: name %q does not match program %q", i, c.Name, prog)
		}
		if c.PipeLen < 1 || c.PipePos < 0 || c.PipePos >= c.PipeLen || c.Pipeline < 0 {
			t.Fatalf("command %d: bad pipeline %d %d/%d", i, c.Pipeline, c.PipePos, c.PipeLen)
		}
	}
	for i, v := range r.Vars {
		if !isName(v) || (i > 0 && r.Vars[i-1] >= v) {
			t.Fatalf("vars not sorted unique names: %q", r.Vars)
		}
	}
	if strings.ContainsAny(r.Error, "\n\r") {
		t.Fatalf("multi-line error %q", r.Error)
	}
}

func BenchmarkParse(b *testing.B) {
	script := `set -eux; \
	apk add --no-cache --virtual .build-deps \
		gcc \
		musl-dev \
		openssl-dev \
	; \
	dpkgArch="$(apk --print-arch)"; \
	case "$dpkgArch" in \
		x86_64) ARCH=amd64 ;; \
		aarch64) ARCH=arm64 ;; \
		*) echo >&2 "unsupported: $dpkgArch"; exit 1 ;; \
	esac; \
	curl -fsSL "https://example.com/v${VERSION}/tool-${ARCH}.tar.gz" | tar -xz -C /usr/local/bin; \
	pip install --no-cache-dir "requests==${VERSION}"; \
	apk del --no-network .build-deps; \
	rm -rf /var/cache/apk/*`
	b.ReportAllocs()
	for b.Loop() {
		r := Parse(script, testLookup)
		if len(r.Commands) != 10 {
			b.Fatalf("got %d commands: %+v", len(r.Commands), r)
		}
	}
}

// TestText: Command.Text is the argv words joined by single spaces, for
// parsed scripts, nested `sh -c` scripts and exec form alike.
func TestText(t *testing.T) {
	r := Parse("sudo -u app  pip3 install 'x y' && sh -c 'curl  -o /tmp/i.sh https://h/i.sh'", nil)
	var got []string
	for _, c := range r.Commands {
		got = append(got, c.Text)
	}
	want := []string{"sudo -u app pip3 install x y", "sh -c curl  -o /tmp/i.sh https://h/i.sh", "curl -o /tmp/i.sh https://h/i.sh"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("text = %q, want %q", got, want)
	}
	if c := FromArgv([]string{"/bin/echo", "a", ""}, nil).Commands[0]; c.Text != "/bin/echo a " {
		t.Errorf("exec-form text = %q", c.Text)
	}
	for _, c := range Parse("", nil).Commands {
		t.Errorf("empty script has a command %q", c.Text)
	}
}

// TestRunAs: the user a wrapper runs the program as, however sudo's option
// is spelled; -u after the program is the program's own option.
func TestRunAs(t *testing.T) {
	for script, want := range map[string]string{
		"sudo -u app npm i":              "app",
		"sudo --user app npm i":          "app",
		"sudo --user=app npm i":          "app",
		"sudo -uapp npm i":               "app",
		"sudo -Hu app npm i":             "app",
		"sudo -E -u '#1000' make":        "#1000",
		"sudo -g staff -u app make":      "app",
		"sudo --prompt=x -u root make":   "root",
		"sudo make install":              "",
		"sudo apt-get -u upgrade":        "",
		"sudo -- make -u x":              "",
		"gosu app node server.js":        "app",
		"su-exec app:app node server.js": "app",
		"sudo -u app gosu node npm ci":   "node",
		"sudo -u app":                    "",
		"make -u app":                    "",
	} {
		res := Parse(script, nil)
		if len(res.Commands) != 1 {
			t.Fatalf("%q: %d commands", script, len(res.Commands))
		}
		if got := res.Commands[0].RunAs; got != want {
			t.Errorf("%q: RunAs %q, want %q", script, got, want)
		}
	}
}
