package dockerfile

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func mustParse(t *testing.T, src string, opts Options) *Document {
	t.Helper()
	doc, err := Parse("Dockerfile", []byte(src), opts)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return doc
}

func mustParseFile(t *testing.T, name string, opts Options) *Document {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse("testdata/"+name, src, opts)
	if err != nil {
		t.Fatalf("Parse %s: %v", name, err)
	}
	return doc
}

// last returns the last instruction of the last stage.
func last(doc *Document) Instruction {
	st := doc.Stages[len(doc.Stages)-1]
	return st.Instructions[len(st.Instructions)-1]
}

func hasWarning(doc *Document, substr string) bool {
	for _, w := range doc.Warnings {
		if strings.Contains(w.Message, substr) {
			return true
		}
	}
	return false
}

func TestStageGraph(t *testing.T) {
	doc := mustParseFile(t, "multistage.Dockerfile", Options{BuildArgs: map[string]string{"BASE_TAG": "3.19"}})
	if doc.Syntax != "docker/dockerfile:1.7" || doc.Escape != `\` || doc.Kind != "dockerfile" || doc.SchemaVersion != SchemaVersion {
		t.Errorf("header: syntax=%q escape=%q kind=%q", doc.Syntax, doc.Escape, doc.Kind)
	}
	type want struct {
		name                        string
		raw, resolved               string
		baseStage                   int
		refName, refTag             string
		chain, dependsOn            []int
		final, inFinal, neededFinal bool
	}
	wants := []want{
		{"builder", "golang:${GO_VERSION}-alpine", "golang:1.22-alpine", -1, "golang", "1.22-alpine", []int{0}, []int{}, false, false, true},
		{"tester", "builder", "builder", 0, "", "", []int{0, 1}, []int{0}, false, false, true},
		{"runtime-base", "${BASE}:${BASE_TAG:-3.20}", "alpine:3.19", -1, "alpine", "3.19", []int{2}, []int{}, false, true, true},
		{"", "runtime-base", "runtime-base", 2, "", "", []int{2, 3}, []int{0, 1, 2}, true, true, true},
	}
	if len(doc.Stages) != len(wants) {
		t.Fatalf("got %d stages", len(doc.Stages))
	}
	if doc.FinalStage != 3 {
		t.Errorf("FinalStage = %d", doc.FinalStage)
	}
	for i, w := range wants {
		st := doc.Stages[i]
		if st.Index != i || st.Name != w.name || st.Base.Raw != w.raw || st.Base.Resolved != w.resolved || st.Base.Stage != w.baseStage {
			t.Errorf("stage %d: index=%d name=%q raw=%q resolved=%q stage=%d", i, st.Index, st.Name, st.Base.Raw, st.Base.Resolved, st.Base.Stage)
		}
		switch {
		case w.refName == "" && st.Base.Ref != nil:
			t.Errorf("stage %d: Ref = %+v, want nil", i, st.Base.Ref)
		case w.refName != "" && (st.Base.Ref == nil || st.Base.Ref.Name != w.refName || st.Base.Ref.Tag != w.refTag):
			t.Errorf("stage %d: Ref = %+v, want %s:%s", i, st.Base.Ref, w.refName, w.refTag)
		}
		if !reflect.DeepEqual(st.Chain, w.chain) || !reflect.DeepEqual(st.DependsOn, w.dependsOn) {
			t.Errorf("stage %d: chain=%v dependsOn=%v, want %v %v", i, st.Chain, st.DependsOn, w.chain, w.dependsOn)
		}
		if st.IsFinal != w.final || st.InFinalChain != w.inFinal || st.NeededByFinal != w.neededFinal {
			t.Errorf("stage %d: final=%v inFinalChain=%v needed=%v", i, st.IsFinal, st.InFinalChain, st.NeededByFinal)
		}
	}
	// FROM <stage> inherits the knowledge about the chain's root image.
	if !reflect.DeepEqual(doc.Stages[1].Image, doc.Stages[0].Image) || !reflect.DeepEqual(doc.Stages[3].Image, doc.Stages[2].Image) {
		t.Errorf("Image not inherited through FROM <stage>")
	}
	final := doc.Stages[3]
	froms := []struct {
		idx       int
		from      string
		fromStage int
	}{{2, "0", 0}, {3, "builder", 0}, {4, "nginx:latest", -1}}
	for _, f := range froms {
		cp := final.Instructions[f.idx].Copy
		if cp == nil || cp.From != f.from || cp.FromStage != f.fromStage {
			t.Errorf("COPY #%d: %+v, want from=%s stage=%d", f.idx, cp, f.from, f.fromStage)
		}
	}
	if cp := final.Instructions[3].Copy; cp.Chown != "app:app" || cp.Dest != "/app/config.yaml" || !reflect.DeepEqual(cp.Sources, []string{"/src/config.yaml"}) {
		t.Errorf("COPY expansion: %+v", cp)
	}
	m := final.Instructions[5].Run.Mounts
	if len(m) != 1 || m[0].Type != "bind" || m[0].From != "tester" || m[0].FromStage != 1 || m[0].Target != "/mnt" {
		t.Errorf("RUN --mount=from: %+v", m)
	}
}

func TestTarget(t *testing.T) {
	doc := mustParseFile(t, "multistage.Dockerfile", Options{Target: "Tester"})
	if doc.FinalStage != 1 || doc.Target != "Tester" {
		t.Fatalf("FinalStage = %d", doc.FinalStage)
	}
	for i, st := range doc.Stages {
		wantFinal, wantChain, wantNeeded := i == 1, i <= 1, i <= 1
		if st.IsFinal != wantFinal || st.InFinalChain != wantChain || st.NeededByFinal != wantNeeded {
			t.Errorf("stage %d: final=%v inFinalChain=%v needed=%v", i, st.IsFinal, st.InFinalChain, st.NeededByFinal)
		}
	}
	// TARGETSTAGE is predefined in the global scope.
	doc = mustParse(t, "ARG TARGETSTAGE\nFROM alpine AS a\nARG TARGETSTAGE\nLABEL t=$TARGETSTAGE\nFROM a AS b\n", Options{Target: "a"})
	if got := doc.Stages[0].Instructions[1].Env[0].Value; got != "a" {
		t.Errorf("TARGETSTAGE = %q", got)
	}
}

// TestScoping checks ARG/ENV visibility and expansion against BuildKit's
// semantics. Each case's last instruction is a LABEL v=<expr> (or WORKDIR),
// whose expanded value is compared.
func TestScoping(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		buildArgs map[string]string
		want      string
		warning   string
	}{
		{"global ARG invisible in stage", "ARG V=1\nFROM alpine\nLABEL v=x$V\n", nil, "x", `"V" is not defined`},
		{"global ARG redeclared without default", "ARG V=1\nFROM alpine\nARG V\nLABEL v=$V\n", nil, "1", ""},
		{"redeclared with own default", "ARG V=1\nFROM alpine\nARG V=2\nLABEL v=$V\n", nil, "2", ""},
		{"build-arg overrides global", "ARG V=1\nFROM alpine\nARG V\nLABEL v=$V\n", map[string]string{"V": "9"}, "9", ""},
		{"build-arg overrides stage default", "FROM alpine\nARG V=2\nLABEL v=$V\n", map[string]string{"V": "9"}, "9", ""},
		{"build-arg without ARG is ignored", "FROM alpine\nLABEL v=x$V\n", map[string]string{"V": "9"}, "x", `"V"`},
		{"ARG without value is empty, no warning", "FROM alpine\nARG V\nLABEL v=x$V\n", nil, "x", ""},
		{"ARG used before declaration", "FROM alpine\nLABEL v=${V:-early}\nARG V=late\n", nil, "", ""},
		{"ENV overrides ARG", "FROM alpine\nARG V=a\nENV V=b\nLABEL v=$V\n", map[string]string{"V": "c"}, "b", ""},
		{"ARG inherited through FROM stage", "FROM alpine AS a\nARG X=1\nFROM a\nLABEL v=$X\n", nil, "1", ""},
		{"ARG not visible in unrelated stage", "FROM alpine AS a\nARG X=1\nFROM alpine\nLABEL v=x$X\n", nil, "x", `"X"`},
		{"ENV inherited through FROM stage", "FROM alpine AS a\nENV E=e\nFROM a AS b\nFROM b\nLABEL v=$E\n", nil, "e", ""},
		{"default unset", "FROM alpine\nLABEL v=${A:-b}\n", nil, "b", ""},
		{"default empty", "FROM alpine\nARG A=\nLABEL v=${A:-b}\n", nil, "b", ""},
		{"default set", "FROM alpine\nARG A=a\nLABEL v=${A:-b}\n", nil, "a", ""},
		{"dash default empty keeps empty", "FROM alpine\nARG A=\nLABEL v=x${A-b}\n", nil, "x", ""},
		{"dash default unset", "FROM alpine\nLABEL v=${A-b}\n", nil, "b", ""},
		{"alternative unset", "FROM alpine\nLABEL v=x${A:+b}\n", nil, "x", ""},
		{"alternative set", "FROM alpine\nARG A=a\nLABEL v=${A:+b}\n", nil, "b", ""},
		{"quoted value", "FROM alpine\nARG A=a\nLABEL v=\"$A b\"\n", nil, "a b", ""},
		{"single quotes do not expand", "FROM alpine\nARG A=a\nLABEL v='$A'\n", nil, "$A", ""},
		{"same-line ENV sees previous values", "FROM alpine\nENV A=1\nENV A=2 B=$A\nLABEL v=$B\n", nil, "1", ""},
		{"same-line ARG sees new values", "FROM alpine\nARG A=1 B=${A}x\nLABEL v=$B\n", nil, "1x", ""},
		{"platform ARG needs redeclaration", "FROM alpine\nARG TARGETARCH\nLABEL v=$TARGETARCH\n", nil, "amd64", ""},
		{"platform ARG overridden", "FROM alpine\nARG TARGETPLATFORM\nLABEL v=$TARGETPLATFORM\n", map[string]string{"TARGETPLATFORM": "linux/arm64"}, "linux/arm64", ""},
		{"PATH has BuildKit's default", "FROM alpine\nENV PATH=/app:$PATH\nLABEL v=$PATH\n", nil, "/app:" + defaultPath, ""},
		{"undefined variable warns", "FROM alpine\nLABEL v=x${NOPE}\n", nil, "x", `"NOPE" is not defined`},
		{"scratch: undefined is definite", "FROM scratch\nLABEL v=x${NOPE}\n", nil, "x", `"NOPE" is not defined; it expands`},
		{"bad substitution kept as written", "FROM alpine\nLABEL v=${A:?mustbeset}\n", nil, "${A:?mustbeset}", "substitution failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustParse(t, tt.src, Options{BuildArgs: tt.buildArgs})
			var got string
			for _, in := range doc.Stages[len(doc.Stages)-1].Instructions {
				if in.Cmd == "label" {
					got = in.Env[0].Value
					if tt.want == "" {
						break
					}
				}
			}
			if tt.want == "" && tt.name == "ARG used before declaration" {
				tt.want = "early"
			}
			if got != tt.want {
				t.Errorf("value = %q, want %q", got, tt.want)
			}
			if tt.warning != "" && !hasWarning(doc, tt.warning) {
				t.Errorf("no warning containing %q in %+v", tt.warning, doc.Warnings)
			}
			if tt.warning == "" && len(doc.Warnings) > 0 {
				t.Errorf("unexpected warnings %+v", doc.Warnings)
			}
		})
	}
}

func TestArgDecls(t *testing.T) {
	doc := mustParse(t, "ARG A=1\nARG B\nARG C=${A}2\nFROM alpine\nARG B\nARG D=x D2\n",
		Options{BuildArgs: map[string]string{"B": "bee"}})
	wantGlobal := []ArgDecl{
		{Name: "A", HasDefault: true, Default: "1", Value: "1", Defined: true},
		{Name: "B", Value: "bee", Defined: true, Overridden: true},
		{Name: "C", HasDefault: true, Default: "${A}2", Value: "12", Defined: true},
	}
	for i, w := range wantGlobal {
		got := doc.GlobalArgs[i]
		got.Location = Location{}
		if got != w {
			t.Errorf("global %d = %+v, want %+v", i, got, w)
		}
	}
	if l := doc.GlobalArgs[2].Location; l != (Location{StartLine: 3, StartColumn: 1, EndLine: 3, EndColumn: 11}) {
		t.Errorf("location %+v", l)
	}
	args := doc.Stages[0].Instructions[1].Arg
	if len(args) != 2 || args[0].Name != "D" || args[0].Value != "x" || args[1].Name != "D2" || args[1].Defined {
		t.Errorf("multi-ARG: %+v", args)
	}
	if b := doc.Stages[0].Instructions[0].Arg[0]; !b.Overridden || b.Value != "bee" {
		t.Errorf("stage ARG B: %+v", b)
	}
}

func TestBaseRef(t *testing.T) {
	tests := []struct {
		name       string
		src        string
		buildArgs  map[string]string
		resolved   string
		unresolved bool
		scratch    bool
		stage      int
		refName    string
		platform   string
	}{
		{"plain", "FROM alpine:3.20\n", nil, "alpine:3.20", false, false, -1, "alpine", ""},
		{"global arg", "ARG IMG=debian\nFROM ${IMG}:12\n", nil, "debian:12", false, false, -1, "debian", ""},
		{"build-arg override", "ARG IMG=debian\nFROM ${IMG}:12\n", map[string]string{"IMG": "ubuntu"}, "ubuntu:12", false, false, -1, "ubuntu", ""},
		{"arg without value", "ARG IMG\nFROM $IMG\n", nil, "", true, false, -1, "", ""},
		{"optional registry idiom", "ARG REG\nFROM ${REG:+${REG}/}alpine\n", nil, "alpine", false, false, -1, "alpine", ""},
		{"optional registry set", "ARG REG=r.example.com\nFROM ${REG:+${REG}/}alpine\n", nil, "r.example.com/alpine", false, false, -1, "r.example.com/alpine", ""},
		{"stage arg not visible in FROM", "FROM alpine AS a\nARG T=1\nFROM busybox:${T}\n", nil, "busybox:", true, false, -1, "", ""},
		{"scratch", "FROM scratch\n", nil, "scratch", false, true, -1, "", ""},
		{"stage case-insensitive", "FROM alpine AS Build\nFROM BUILD\n", nil, "BUILD", false, false, 0, "", ""},
		{"platform", "FROM --platform=$BUILDPLATFORM golang AS b\n", nil, "golang", false, false, -1, "golang", "$BUILDPLATFORM"},
		{"invalid reference", "FROM Not/A/Valid:Ref:x\n", nil, "Not/A/Valid:Ref:x", false, false, -1, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustParse(t, tt.src, Options{BuildArgs: tt.buildArgs})
			b := doc.Stages[len(doc.Stages)-1].Base
			if b.Resolved != tt.resolved || b.Unresolved != tt.unresolved || b.Scratch != tt.scratch || b.Stage != tt.stage || b.Platform != tt.platform {
				t.Errorf("got %+v", b)
			}
			switch {
			case tt.refName == "" && b.Ref != nil:
				t.Errorf("Ref = %+v, want nil", *b.Ref)
			case tt.refName != "" && (b.Ref == nil || b.Ref.Name != tt.refName):
				t.Errorf("Ref = %+v, want name %q", b.Ref, tt.refName)
			}
			img := doc.Stages[len(doc.Stages)-1].Image
			if (tt.unresolved || tt.name == "invalid reference") && img.Known {
				t.Errorf("Image of an unresolvable base is known: %+v", img)
			}
			if tt.scratch && (!img.Known || img.Distro != "scratch") {
				t.Errorf("scratch Image = %+v", img)
			}
		})
	}
}

func TestRuntime(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, rt Runtime)
	}{
		{"ENTRYPOINT resets inherited CMD", "FROM alpine AS a\nCMD [\"a\"]\nFROM a\nENTRYPOINT [\"/e\"]\n", func(t *testing.T, rt Runtime) {
			if rt.Cmd != nil || rt.Entrypoint == nil || !reflect.DeepEqual(rt.Entrypoint.Argv, []string{"/e"}) {
				t.Errorf("cmd=%+v entrypoint=%+v", rt.Cmd, rt.Entrypoint)
			}
		}},
		{"CMD set earlier in the stage survives ENTRYPOINT", "FROM alpine\nCMD [\"c\"]\nENTRYPOINT [\"/e\"]\n", func(t *testing.T, rt Runtime) {
			if rt.Cmd == nil || rt.Cmd.Argv[0] != "c" {
				t.Errorf("cmd=%+v", rt.Cmd)
			}
		}},
		{"CMD inherited without ENTRYPOINT", "FROM alpine AS a\nCMD run\nFROM a\nUSER 1\n", func(t *testing.T, rt Runtime) {
			if rt.Cmd == nil || rt.Cmd.Stage != 0 || !reflect.DeepEqual(rt.Cmd.Argv, []string{"/bin/sh", "-c", "run"}) || rt.Cmd.Location.StartLine != 2 {
				t.Errorf("cmd=%+v", rt.Cmd)
			}
		}},
		{"shell form uses SHELL", "FROM alpine\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nENTRYPOINT exec app\n", func(t *testing.T, rt Runtime) {
			want := []string{"/bin/bash", "-eo", "pipefail", "-c", "exec app"}
			if !reflect.DeepEqual(rt.Entrypoint.Argv, want) || rt.Entrypoint.Form != "shell" || !reflect.DeepEqual(rt.Shell, want[:4]) {
				t.Errorf("entrypoint=%+v shell=%v", rt.Entrypoint, rt.Shell)
			}
		}},
		{"USER inherited with origin", "FROM alpine AS a\nUSER app:grp\nFROM a\n", func(t *testing.T, rt Runtime) {
			u := rt.User
			if u == nil || u.User != "app" || u.Group != "grp" || u.Stage != 0 || u.Location.StartLine != 2 {
				t.Errorf("user=%+v", u)
			}
		}},
		{"no USER", "FROM alpine\n", func(t *testing.T, rt Runtime) {
			if rt.User != nil || !reflect.DeepEqual(rt.Shell, []string{"/bin/sh", "-c"}) || rt.Workdir != "" || len(rt.Env) != 0 || rt.Expose == nil {
				t.Errorf("runtime=%+v", rt)
			}
		}},
		{"USER not inherited from unrelated stage", "FROM alpine AS a\nUSER app\nFROM alpine\n", func(t *testing.T, rt Runtime) {
			if rt.User != nil {
				t.Errorf("user=%+v", rt.User)
			}
		}},
		{"WORKDIR relative joins", "FROM alpine AS a\nWORKDIR /srv\nFROM a\nWORKDIR app/../web\nWORKDIR static\n", func(t *testing.T, rt Runtime) {
			if rt.Workdir != "/srv/web/static" {
				t.Errorf("workdir=%q", rt.Workdir)
			}
		}},
		{"WORKDIR relative without base", "FROM alpine\nWORKDIR app\n", func(t *testing.T, rt Runtime) {
			if rt.Workdir != "/app" {
				t.Errorf("workdir=%q", rt.Workdir)
			}
		}},
		{"ENV accumulates, ARG is not ENV", "FROM alpine AS a\nENV A=1\nFROM a\nARG B=2\nENV C=$B A=\n", func(t *testing.T, rt Runtime) {
			if !reflect.DeepEqual(rt.Env, map[string]string{"A": "", "C": "2"}) {
				t.Errorf("env=%v", rt.Env)
			}
		}},
		{"HEALTHCHECK NONE overrides", "FROM alpine AS a\nHEALTHCHECK CMD [\"true\"]\nFROM a\nHEALTHCHECK NONE\n", func(t *testing.T, rt Runtime) {
			if rt.Health == nil || !rt.Health.None || rt.Health.Test != nil || rt.Health.Stage != 1 {
				t.Errorf("health=%+v", rt.Health)
			}
		}},
		{"HEALTHCHECK exec form", "FROM alpine\nHEALTHCHECK --retries=3 CMD [\"curl\", \"-f\", \"http://x\"]\n", func(t *testing.T, rt Runtime) {
			if rt.Health == nil || !reflect.DeepEqual(rt.Health.Test, []string{"CMD", "curl", "-f", "http://x"}) {
				t.Errorf("health=%+v", rt.Health)
			}
		}},
		{"EXPOSE accumulates through chain", "FROM alpine AS a\nEXPOSE 80\nFROM a\nEXPOSE 443\n", func(t *testing.T, rt Runtime) {
			if len(rt.Expose) != 2 || rt.Expose[0].Port != 80 || rt.Expose[0].Stage != 0 || rt.Expose[1].Port != 443 || rt.Expose[1].Stage != 1 {
				t.Errorf("expose=%+v", rt.Expose)
			}
		}},
		{"ONBUILD has no effect on this stage", "FROM alpine\nONBUILD USER nobody\nONBUILD ENV X=1\n", func(t *testing.T, rt Runtime) {
			if rt.User != nil || len(rt.Env) != 0 {
				t.Errorf("runtime=%+v", rt)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustParse(t, tt.src, Options{})
			tt.check(t, doc.Stages[len(doc.Stages)-1].Runtime)
		})
	}
}

func TestParsePort(t *testing.T) {
	tests := []struct {
		in        string
		port, end int
		proto     string
		ok        bool
	}{
		{"80", 80, 80, "tcp", true},
		{"80/udp", 80, 80, "udp", true},
		{"53/UDP", 53, 53, "udp", true},
		{"8000-8010/tcp", 8000, 8010, "tcp", true},
		{"8000-8010", 8000, 8010, "tcp", true},
		{"", 0, 0, "tcp", false},
		{"http", 0, 0, "tcp", false},
		{"80/icmp", 0, 0, "tcp", false},
		{"9000-8000", 0, 0, "tcp", false},
		{"70000", 0, 0, "tcp", false},
	}
	for _, tt := range tests {
		p, ok := parsePort(tt.in)
		if ok != tt.ok || p.Port != tt.port || p.EndPort != tt.end || p.Protocol != tt.proto {
			t.Errorf("parsePort(%q) = %+v, %v", tt.in, p, ok)
		}
	}
	doc := mustParse(t, "FROM alpine\nARG P=8080\nARG PORTS=\"1 2\"\nEXPOSE $P/udp ${PORTS} ${NOPE}\n", Options{})
	in := last(doc)
	// Like BuildKit, EXPOSE splits expanded words and drops empty ones.
	if !reflect.DeepEqual(in.Expanded, []string{"8080/udp", "1", "2"}) {
		t.Errorf("Expanded = %q", in.Expanded)
	}
	if len(in.Expose) != 3 || in.Expose[0].Port != 8080 || in.Expose[0].Raw != "$P/udp" || in.Expose[2].Port != 2 || in.Expose[2].Raw != "${PORTS}" {
		t.Errorf("Expose = %+v", in.Expose)
	}
	if !hasWarning(doc, `"NOPE"`) {
		t.Errorf("warnings = %+v", doc.Warnings)
	}
	doc = mustParse(t, "FROM alpine\nEXPOSE 80:80\n", Options{})
	if p := last(doc).Expose; len(p) != 1 || p[0].Port != 0 || !hasWarning(doc, "not a valid port") {
		t.Errorf("invalid port: %+v %+v", p, doc.Warnings)
	}
}

func TestInstructions(t *testing.T) {
	doc := mustParse(t, "FROM alpine\n  COPY --chmod=0755 --link a.sh \"b.sh\" /bin/\nADD --chown=1:1 https://x/y.tgz /opt/\nUSER ${U:-nobody}:nogroup\nVOLUME /data\nSTOPSIGNAL SIGKILL\nMAINTAINER me\n", Options{})
	ins := doc.Stages[0].Instructions
	cp := ins[0]
	if cp.Cmd != "copy" || !reflect.DeepEqual(cp.Flags, []string{"--chmod=0755", "--link"}) || cp.Copy.Chmod != "0755" || !cp.Copy.Link || cp.Copy.FromStage != -1 {
		t.Errorf("COPY = %+v %+v", cp, cp.Copy)
	}
	if !reflect.DeepEqual(cp.Args, []string{"a.sh", `"b.sh"`, "/bin/"}) || !reflect.DeepEqual(cp.Copy.Sources, []string{"a.sh", "b.sh"}) {
		t.Errorf("COPY args=%q sources=%q", cp.Args, cp.Copy.Sources)
	}
	if cp.Location != (Location{StartLine: 2, StartColumn: 3, EndLine: 2, EndColumn: 44}) {
		t.Errorf("COPY location = %+v", cp.Location)
	}
	if add := ins[1]; add.Cmd != "add" || add.Copy == nil || add.Copy.Chown != "1:1" || add.Copy.Dest != "/opt/" {
		t.Errorf("ADD = %+v", add.Copy)
	}
	if u := ins[2].User; u == nil || u.Raw != "${U:-nobody}:nogroup" || u.Value != "nobody:nogroup" || u.User != "nobody" || u.Group != "nogroup" || u.Unresolved {
		t.Errorf("USER = %+v", u)
	}
	for i, cmd := range []string{"copy", "add", "user", "volume", "stopsignal", "maintainer"} {
		if ins[i].Cmd != cmd || ins[i].Index != i || ins[i].Form != "" {
			t.Errorf("instruction %d: cmd=%q index=%d form=%q", i, ins[i].Cmd, ins[i].Index, ins[i].Form)
		}
	}
}

func TestRun(t *testing.T) {
	doc := mustParseFile(t, "secrets.Dockerfile", Options{})
	st := doc.Stages[0]
	r := st.Instructions[2].Run
	if len(r.Mounts) != 1 || r.Mounts[0] != (Mount{Type: "secret", ID: "npm", Target: "/root/.npmrc", FromStage: -1}) {
		t.Errorf("secret mount = %+v", r.Mounts)
	}
	r = st.Instructions[3].Run
	wantMounts := []Mount{{Type: "secret", ID: "gh", Target: "/run/secrets/gh", FromStage: -1}, {Type: "ssh", FromStage: -1}}
	if !reflect.DeepEqual(r.Mounts, wantMounts) {
		t.Errorf("mounts = %+v", r.Mounts)
	}
	if !reflect.DeepEqual(r.BuildArgsUsed, []string{"NPM_TOKEN"}) || !reflect.DeepEqual(r.BuildArgsInScope, []string{"NPM_TOKEN"}) {
		t.Errorf("build args used=%v in scope=%v", r.BuildArgsUsed, r.BuildArgsInScope)
	}
	if st.Instructions[3].Location.StartLine != 6 || st.Instructions[3].Location.EndLine != 9 {
		t.Errorf("continued RUN location = %+v", st.Instructions[3].Location)
	}
	// The shell sees the ARG's value.
	if !strings.Contains(strings.Join(r.Commands[0].Argv, " "), "npm_s3cr3tV4lu3Th4tIsL0ng") {
		t.Errorf("ARG not substituted into commands: %q", r.Commands[0].Argv)
	}
	exec := st.Instructions[4]
	if exec.Form != "exec" || exec.Run.Script != "sh -c echo AKIAQX4BXN2UL7PMRD6H" || !reflect.DeepEqual(exec.Expanded, exec.Args) {
		t.Errorf("exec RUN = %+v", exec)
	}
	if r := st.Instructions[5].Run; r.Network != "none" || r.Security != "insecure" {
		t.Errorf("network=%q security=%q", r.Network, r.Security)
	}
	if r := st.Instructions[2].Run; r.Network != "" || r.Security != "" {
		t.Errorf("defaults should be empty: network=%q security=%q", r.Network, r.Security)
	}
	// ARGs are inherited through FROM <stage> and recorded in history.
	child := doc.Stages[1].Instructions[0].Run
	if !reflect.DeepEqual(child.BuildArgsInScope, []string{"NPM_TOKEN"}) || !reflect.DeepEqual(child.BuildArgsUsed, []string{"NPM_TOKEN"}) {
		t.Errorf("child stage: in scope=%v used=%v", child.BuildArgsInScope, child.BuildArgsUsed)
	}

	doc = mustParse(t, "FROM alpine\nARG A=1\nARG B\nARG C=3\nENV D=4\nRUN true\nFROM alpine\nRUN --mount=type=cache,target=/c,id=gocache echo\n", Options{})
	if got := doc.Stages[0].Instructions[4].Run.BuildArgsInScope; !reflect.DeepEqual(got, []string{"A", "C"}) {
		t.Errorf("BuildArgsInScope = %v", got)
	}
	if got := doc.Stages[1].Instructions[0].Run; len(got.BuildArgsInScope) != 0 || got.BuildArgsInScope == nil || got.Mounts[0].ID != "gocache" || got.Mounts[0].Type != "cache" {
		t.Errorf("run = %+v", got)
	}
}

func TestHeredocs(t *testing.T) {
	doc := mustParseFile(t, "heredoc.Dockerfile", Options{})
	ins := doc.Stages[0].Instructions
	run := ins[1]
	if len(run.Heredocs) != 1 || run.Heredocs[0].StartLine != 5 || run.Heredocs[0].Name != "EOF" || !run.Heredocs[0].Expand {
		t.Errorf("RUN <<EOF heredocs = %+v", run.Heredocs)
	}
	if run.Run.Script != "set -eux\napt-get update\napt-get install -y --no-install-recommends curl\n" {
		t.Errorf("script = %q", run.Run.Script)
	}
	if len(run.Run.Commands) != 3 || run.Run.Commands[2].Name != "apt-get" {
		t.Errorf("commands = %+v", run.Run.Commands)
	}
	if run.Location.StartLine != 4 || run.Location.EndLine != 8 || run.Location.EndColumn != 3 {
		t.Errorf("location = %+v", run.Location)
	}
	chomp := ins[2]
	if chomp.Heredocs[0].StartLine != 10 || strings.Contains(chomp.Heredocs[0].Content, "\t") {
		t.Errorf("<<- heredoc = %+v", chomp.Heredocs)
	}
	if !strings.HasPrefix(chomp.Run.Script, "<<-EOT bash\n\techo") || !strings.HasSuffix(chomp.Run.Script, "\nEOT") {
		t.Errorf("reconstituted script = %q", chomp.Run.Script)
	}
	cp := ins[3]
	if len(cp.Copy.Sources) != 0 || cp.Copy.Sources == nil || cp.Copy.Dest != "/etc/app.conf" || cp.Heredocs[0].Content != "listen = 8080\n" || cp.Heredocs[0].StartLine != 14 {
		t.Errorf("COPY heredoc = %+v %+v", cp.Copy, cp.Heredocs)
	}
	two := ins[4].Heredocs
	if len(two) != 2 || two[0].Name != "CONF" || two[0].Expand || two[0].StartLine != 17 || two[1].Name != "CONF2" || !two[1].Expand || two[1].StartLine != 19 {
		t.Errorf("two heredocs = %+v", two)
	}
	py := ins[5].Run
	if len(py.Commands) != 0 || py.ParseError != "" || !strings.HasPrefix(py.Script, "#!/usr/bin/env python3") {
		t.Errorf("python heredoc should not be parsed as shell: %+v", py)
	}
}

func TestEscapeAndWindows(t *testing.T) {
	doc := mustParseFile(t, "escape.Dockerfile", Options{})
	if doc.Escape != "`" {
		t.Errorf("Escape = %q", doc.Escape)
	}
	st := doc.Stages[0]
	run := st.Instructions[2]
	if run.Location.StartLine != 5 || run.Location.EndLine != 7 || !strings.Contains(run.Run.Script, `-OutFile C:\tool.zip ;`) {
		t.Errorf("RUN = %+v", run)
	}
	// powershell is not a POSIX shell: the script is kept as text only.
	if len(run.Run.Commands) != 0 || run.Run.ParseError != "" {
		t.Errorf("commands = %+v", run.Run.Commands)
	}
	if st.Runtime.Workdir != `C:\app` || st.Runtime.Entrypoint.Argv[0] != "powershell" || st.Runtime.Entrypoint.Argv[3] != `C:\app\run.exe --serve` {
		t.Errorf("runtime = %+v / %+v", st.Runtime, st.Runtime.Entrypoint)
	}
	if cp := st.Instructions[3].Copy; !reflect.DeepEqual(cp.Sources, []string{`app\`}) || cp.Dest != `C:\app\` {
		t.Errorf("COPY = %+v", cp)
	}
	// Without SHELL, a Windows base image defaults to cmd /S /C.
	doc = mustParse(t, "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD echo hi\n", Options{})
	if doc.Stages[0].Image.Family == "windows" && !reflect.DeepEqual(doc.Stages[0].Runtime.Cmd.Argv, []string{"cmd", "/S", "/C", "echo hi"}) {
		t.Errorf("windows CMD argv = %q", doc.Stages[0].Runtime.Cmd.Argv)
	}
}

func TestContinuationsAndOnbuild(t *testing.T) {
	doc := mustParseFile(t, "continuation.Dockerfile", Options{})
	st := doc.Stages[0]
	if st.Name != "base" || doc.Stages[1].Name != "child" || doc.Stages[1].Base.Stage != 0 {
		t.Fatalf("stages: %q %q", st.Name, doc.Stages[1].Name)
	}
	run := st.Instructions[0]
	if run.Cmd != "run" || run.Location.StartLine != 2 || run.Location.EndLine != 7 || strings.Contains(run.Run.Script, "#") {
		t.Errorf("RUN = %+v", run)
	}
	if names := run.Run.Packages; len(names) != 1 || !reflect.DeepEqual(names[0].Packages, []string{"curl", "jq"}) {
		t.Errorf("packages = %+v", run.Run.Packages)
	}
	if !hasWarning(doc, "Empty continuation line") {
		t.Errorf("parser warning not propagated: %+v", doc.Warnings)
	}
	ob := st.Instructions[2]
	if ob.Cmd != "onbuild" || ob.OnBuild == nil || ob.OnBuild.Cmd != "run" || ob.OnBuild.Run == nil || ob.OnBuild.Location.StartColumn != 9 {
		t.Fatalf("ONBUILD = %+v / %+v", ob, ob.OnBuild)
	}
	if ob.OnBuild.Run.Commands[0].Name != "make" {
		t.Errorf("ONBUILD RUN commands = %+v", ob.OnBuild.Run.Commands)
	}
	if cp := st.Instructions[1].OnBuild; cp == nil || cp.Copy == nil || cp.Copy.Dest != "/app/src" {
		t.Errorf("ONBUILD COPY = %+v", cp)
	}
	ep := doc.Stages[1].Runtime.Entrypoint
	if ep == nil || ep.Form != "shell" || ep.Argv[2] != "/app/bin/server --debug=$DEBUG" {
		t.Errorf("entrypoint = %+v", ep)
	}
}

func TestCRLFAndBOM(t *testing.T) {
	doc := mustParseFile(t, "crlf-bom.Dockerfile", Options{})
	ins := doc.Stages[0].Instructions
	if doc.Escape != `\` || doc.Stages[0].Base.Resolved != "alpine:3.20" {
		t.Errorf("escape=%q base=%q", doc.Escape, doc.Stages[0].Base.Resolved)
	}
	if ins[0].Run.Script != "echo one     two" || strings.Contains(ins[0].Original, "\r") || ins[0].Location.EndColumn != 7 {
		t.Errorf("RUN = %q %+v", ins[0].Run.Script, ins[0].Location)
	}
	if ins[1].Heredocs[0].Content != "line1\nline2\n" || ins[1].Heredocs[0].StartLine != 6 {
		t.Errorf("heredoc = %+v", ins[1].Heredocs)
	}
	if ins[2].Exec.Args[0] != "echo done" {
		t.Errorf("CMD = %+v", ins[2].Exec)
	}
}

func TestLowercaseAndDirectives(t *testing.T) {
	doc := mustParse(t, "# syntax=docker/dockerfile:1\n# escape=`\nfrom alpine as B\ncopy --from=b a b\nworkdir /x\n", Options{})
	if doc.Syntax != "docker/dockerfile:1" || doc.Escape != "`" || doc.Stages[0].Name != "b" {
		t.Errorf("syntax=%q escape=%q name=%q", doc.Syntax, doc.Escape, doc.Stages[0].Name)
	}
	if w := last(doc); w.Cmd != "workdir" || w.Workdir != "/x" {
		t.Errorf("workdir = %+v", w)
	}
	if !hasWarning(doc, "refers to the stage itself") {
		t.Errorf("self reference not reported: %+v", doc.Warnings)
	}
}

func TestStageRefWarnings(t *testing.T) {
	doc := mustParse(t, "FROM alpine AS builder\nFROM alpine\nCOPY --from=buidler /a /a\nCOPY --from=7 /a /a\nCOPY --from=$X /a /a\nRUN --mount=from=buidler,target=/m true\n", Options{})
	for _, w := range []string{`did you mean stage "builder"`, "no stage with that index", "variable expansion is not supported"} {
		if !hasWarning(doc, w) {
			t.Errorf("missing warning %q in %+v", w, doc.Warnings)
		}
	}
	for _, in := range doc.Stages[1].Instructions[:3] {
		if in.Copy.FromStage != -1 {
			t.Errorf("FromStage = %d", in.Copy.FromStage)
		}
	}
	if got := doc.Stages[1].DependsOn; len(got) != 0 {
		t.Errorf("DependsOn = %v", got)
	}
	// Forward references are resolved by name, like BuildKit's graph.
	doc = mustParse(t, "FROM alpine\nCOPY --from=later /a /a\nFROM alpine AS later\n", Options{Target: ""})
	if doc.Stages[0].Instructions[0].Copy.FromStage != 1 || !reflect.DeepEqual(doc.Stages[0].DependsOn, []int{1}) || doc.Stages[0].NeededByFinal {
		t.Errorf("forward ref: %+v %v", doc.Stages[0].Instructions[0].Copy, doc.Stages[0].DependsOn)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opts Options
		line int
		msg  string
	}{
		{"unknown instruction", "FROM alpine\n\nRUNN echo\n", Options{}, 3, "unknown instruction: RUNN"},
		{"no FROM", "ARG A=1\n# c\n", Options{}, 1, "no FROM instruction"},
		{"instruction before FROM", "ARG A=1\nRUN echo\nFROM alpine\n", Options{}, 2, "no build stage"},
		{"unknown target", "FROM alpine AS a\n", Options{Target: "nope"}, 0, `target stage "nope" could not be found`},
		{"SHELL needs JSON", "FROM alpine\nSHELL [\"/bin/sh\" \"-c\"]\n", Options{}, 2, "SHELL requires the arguments to be in JSON form"},
		{"empty input", "", Options{}, 0, "file with no instructions"},
		{"only comments", "# just a comment\n\n", Options{}, 2, "file with no instructions"},
		{"binary garbage", "\x00\x01\x02\xff\xfe garbage\n", Options{}, 1, `unknown instruction: \x00\x01\x02\xff\xfe`},
		{"unknown flag", "FROM alpine\nCOPY --frm=x a b\n", Options{}, 2, "unknown flag: --frm"},
		{"invalid mount type", "FROM alpine\nRUN --mount=type=nope true\n", Options{}, 2, "unsupported mount type"},
		{"invalid network", "FROM alpine\nRUN --network=bridge true\n", Options{}, 2, "invalid network mode"},
		{"unterminated heredoc", "FROM alpine\nRUN <<EOF\necho\n", Options{}, 2, "unterminated heredoc"},
		{"FROM with two args", "FROM alpine base\n", Options{}, 1, "FROM requires either one or three arguments"},
		{"ONBUILD FROM", "FROM alpine\nONBUILD FROM x\n", Options{}, 2, "isn't allowed as an ONBUILD trigger"},
		{"COPY without dest", "FROM alpine\nCOPY a\n", Options{}, 2, "COPY requires at least two arguments"},
		{"duplicate escape directive", "# escape=`\n# escape=\\\nFROM alpine\n", Options{}, 1, "only one escape parser directive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("dir/Dockerfile", []byte(tt.src), tt.opts)
			if err == nil {
				t.Fatalf("no error, doc = %+v", doc)
			}
			pe, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if pe.File != "dir/Dockerfile" || pe.Line != tt.line || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("got %q (line %d), want line %d containing %q", err, pe.Line, tt.line, tt.msg)
			}
			if doc != nil {
				t.Errorf("doc returned with error")
			}
		})
	}
	e := &Error{File: "services/api/Dockerfile", Line: 12, Msg: "unknown instruction: RUNN"}
	if e.Error() != "services/api/Dockerfile:12: unknown instruction: RUNN" {
		t.Errorf("Error() = %q", e.Error())
	}
	if e := (&Error{File: "-", Msg: "x"}); e.Error() != "-: x" {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestWarningsNotErrors(t *testing.T) {
	doc := mustParse(t, "FROM alpine\nUSER $NOBODY\nRUN echo 'unterminated\nONBUILD BOGUS x\n", Options{})
	if !last(doc).OnBuild.Location.equalLine(4) {
		t.Errorf("trigger location = %+v", last(doc).OnBuild.Location)
	}
	for _, w := range []string{`"NOBODY"`, "shell syntax error", "ONBUILD trigger is invalid"} {
		if !hasWarning(doc, w) {
			t.Errorf("missing warning %q in %+v", w, doc.Warnings)
		}
	}
	if u := doc.Stages[0].Instructions[0].User; !u.Unresolved || u.Value != "" {
		t.Errorf("USER = %+v", u)
	}
	if r := doc.Stages[0].Instructions[1].Run; r.ParseError == "" {
		t.Errorf("ParseError not set")
	}
}

func (l Location) equalLine(n int) bool { return l.StartLine == n && l.EndLine == n }

func TestFixturesHaveNoNulls(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.Dockerfile")
	if len(files) < 7 {
		t.Fatalf("fixtures missing: %v", files)
	}
	for _, f := range files {
		doc := mustParseFile(t, filepath.Base(f), Options{})
		assertNoNulls(t, f, doc)
	}
	assertNoNulls(t, "minimal", mustParse(t, "FROM scratch\n", Options{}))
}

func TestDocumentDefaults(t *testing.T) {
	doc := mustParse(t, "FROM scratch\nCOPY a /\n", Options{})
	if doc.BuildArgs == nil || doc.GlobalArgs == nil || doc.Secrets == nil || doc.Warnings == nil {
		t.Errorf("nil collections: %+v", doc)
	}
	if doc.File != "Dockerfile" || doc.Target != "" || doc.FinalStage != 0 || !doc.Stages[0].IsFinal {
		t.Errorf("doc = %+v", doc)
	}
	doc, err := Parse(`dir\Dockerfile`, []byte("FROM scratch\n"), Options{})
	if err != nil || doc.File != "dir/Dockerfile" {
		t.Errorf("File = %q, %v", doc.File, err)
	}
}
