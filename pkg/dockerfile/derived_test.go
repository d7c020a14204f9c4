package dockerfile

import (
	"reflect"
	"testing"

	"github.com/hardline-dev/hardline/pkg/baseimage"
)

func TestStageWindows(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []bool // Stage.Windows per stage
	}{
		// Positive: each signal on its own.
		{"family from knowledge", "FROM acme/winbase:1\n", []bool{true}},
		{"distro from knowledge", "FROM acme/wintools:1\n", []bool{true}},
		{"windows image family", "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n", []bool{true}},
		{"mcr windows name", "FROM mcr.microsoft.com/windows/nanoserver:1809\n", []bool{true}},
		{"nanoserver tag", "FROM example/tool:1.0-nanoserver\n", []bool{true}},
		{"servercore tag", "FROM example/node:20-windowsservercore-ltsc2022\n", []bool{true}},
		{"ltsc tag", "FROM example/base:ltsc2019\n", []bool{true}},
		{"nano tag", "FROM example/thing:nano\n", []bool{true}},
		{"-nano- tag", "FROM example/thing:1-nano-amd64\n", []bool{true}},
		{"resolved reference", "ARG VARIANT=nanoserver\nFROM example/tool:${VARIANT}\n", []bool{true}},
		{"backtick escape", "# escape=`\nFROM example/base:1\n", []bool{true}},
		{"powershell SHELL", "FROM example/base:1\nSHELL [\"powershell\", \"-Command\"]\n", []bool{true}},
		{"cmd.exe SHELL by path", "FROM example/base:1\nSHELL [\"C:/Windows/System32/CMD.EXE\", \"/S\", \"/C\"]\n", []bool{true}},
		{"choco in RUN", "FROM example/base:1\nRUN choco install -y git\n", []bool{true}},
		{".exe in RUN", "FROM example/base:1\nRUN setup.exe /quiet && echo done\n", []bool{true}},
		{"exe entrypoint", "FROM example/base:1\nENTRYPOINT [\"C:\\\\app\\\\Server.EXE\"]\n", []bool{true}},
		{"cmd CMD", "FROM example/base:1\nCMD [\"cmd\", \"/C\", \"start.bat\"]\n", []bool{true}},
		// Inheritance through FROM <stage>.
		{"inherited base", "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win\nFROM win\n", []bool{true, true}},
		{"RUN of an ancestor", "FROM example/base:1 AS a\nRUN icacls C:\\app /grant x\nFROM a\nRUN echo hi\n", []bool{true, true}},
		{"entrypoint is not inherited backwards", "FROM example/base:1 AS a\nFROM a\nENTRYPOINT [\"app.exe\"]\n", []bool{false, true}},
		// Negative.
		{"linux image", "FROM alpine:3.20\nRUN apk add --no-cache curl\nCMD [\"/app\"]\n", []bool{false}},
		{"nano inside a word", "FROM example/nanotech:1\n", []bool{false}},
		{"windows word only as an argument", "FROM debian:12\nRUN echo powershell cmd.exe\n", []bool{false}},
		{"POSIX SHELL", "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n", []bool{false}},
		{"Windows builder, Linux final", "FROM example/base:1 AS build\nRUN msiexec /i x.msi\nFROM alpine:3.20\nCOPY --from=build /x /x\n", []bool{true, false}},
		{"scratch", "FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n", []bool{false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := mustParse(t, tc.src, Options{BaseImages: windowsKnowledge(t)})
			var got []bool
			for _, s := range doc.Stages {
				got = append(got, s.Windows)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Windows = %v, want %v", got, tc.want)
			}
		})
	}
}

// windowsKnowledge describes two images whose names say nothing about
// Windows, so that the family and distro signals are tested on their own.
func windowsKnowledge(t *testing.T) *baseimage.Table {
	t.Helper()
	entries, err := baseimage.ParseEntries([]byte(`
- name: acme-winbase
  match: {images: [acme/winbase]}
  family: windows
- name: acme-wintools
  match: {images: [acme/wintools]}
  distro: windows
`))
	if err != nil {
		t.Fatal(err)
	}
	return baseimage.Default().With(entries)
}

func TestRunURLs(t *testing.T) {
	tests := []struct {
		name string
		src  string // the last instruction is the RUN under test
		want []string
	}{
		{"argv URL", "FROM alpine\nRUN curl -fsSL https://example.com/a.tar.gz | tar xz\n",
			[]string{"https://example.com/a.tar.gz"}},
		{"expanded ARG replaces the raw form", "FROM alpine\nARG V=1.2\nRUN wget https://x.org/v${V}/t-$V.tgz\n",
			[]string{"https://x.org/v1.2/t-1.2.tgz"}},
		{"URL only in a shell variable", "FROM alpine\nRUN url=\"https://static.rust-lang.org/rustup/init\"; wget \"$url\"\n",
			[]string{"https://static.rust-lang.org/rustup/init"}},
		{"unresolvable variable kept once", "FROM alpine\nRUN wget https://example.com/${UNSET}/f\n",
			[]string{"https://example.com/${UNSET}/f"}},
		{"raw URL that does not expand to an argv URL", "FROM alpine\nARG V=1\nRUN X=https://a.example/$V; curl https://b.example/x\n",
			[]string{"https://a.example/$V", "https://b.example/x"}},
		{"sorted and de-duplicated", "FROM alpine\nRUN curl https://b.example/x && curl https://a.example/y && curl https://b.example/x\n",
			[]string{"https://a.example/y", "https://b.example/x"}},
		{"terminators", "FROM alpine\nRUN curl https://a.example/x;echo 'see ftp://b.example/y'>/dev/null\n",
			[]string{"ftp://b.example/y", "https://a.example/x"}},
		{"exec form", "FROM alpine\nRUN [\"curl\", \"-o\", \"/x\", \"https://a.example/x\"]\n",
			[]string{"https://a.example/x"}},
		{"non-POSIX shell: script text only", "FROM example/base:1\nSHELL [\"powershell\", \"-Command\"]\nRUN Invoke-WebRequest https://example.com/x.zip -OutFile x.zip\n",
			[]string{"https://example.com/x.zip"}},
		{"heredoc", "FROM alpine\nRUN <<EOF\nset -e\ncurl -fsSLO https://example.com/tool\nEOF\n",
			[]string{"https://example.com/tool"}},
		{"none", "FROM alpine\nRUN echo hello\n", []string{}},
		{"not a URL", "FROM alpine\nRUN echo ://nothing 1://x\n", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := mustParse(t, tc.src, Options{})
			run := last(doc).Run
			if run == nil {
				t.Fatalf("last instruction is not a RUN: %+v", last(doc))
			}
			if run.URLs == nil || !reflect.DeepEqual(run.URLs, tc.want) {
				t.Errorf("URLs = %#v, want %#v (commands %+v)", run.URLs, tc.want, run.Commands)
			}
		})
	}
}

func TestExpandedElsewhere(t *testing.T) {
	known := []string{"https://h/1.2/f", "https://h/x?a=1"}
	tests := []struct {
		u    string
		want bool
	}{
		{"https://h/1.2/f", true},
		{"https://h/${V}/f", true},
		{"https://h/$V/f", true},
		{"https://h/x?a=$A", true}, // glob metacharacters of the URL are glob syntax, as in Rego's glob.match
		{"https://h/${V}/g", false},
		{"https://other/$V", false},
		{"https://h/2/f", false},   // no variable: exact match only
		{"https://h/[${V}", false}, // invalid glob: not matched, no error
	}
	for _, tc := range tests {
		if got := expandedElsewhere(tc.u, known); got != tc.want {
			t.Errorf("expandedElsewhere(%q) = %v, want %v", tc.u, got, tc.want)
		}
	}
	if expandedElsewhere("https://h/$V", nil) {
		t.Error("nothing is expanded elsewhere without known URLs")
	}
}

// TestEscapeDirectiveAloneIsNotWindows: `# escape=` is a Windows convention,
// but on a base image known to be Linux it must not switch the stage to
// Windows (that disabled the user, init and shell-form rules).
func TestEscapeDirectiveAloneIsNotWindows(t *testing.T) {
	doc := mustParse(t, "# escape=`\nFROM alpine:3.20\nUSER root\nCMD python app.py\n", Options{})
	if doc.Stages[0].Windows {
		t.Fatal("alpine with a backtick escape was taken for Windows")
	}
	doc = mustParse(t, "# escape=`\nFROM corp.example/base:1\nRUN echo hi\n", Options{})
	if !doc.Stages[0].Windows {
		t.Fatal("an unknown base with a backtick escape should still count as Windows")
	}
	doc = mustParse(t, "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo hi\n", Options{})
	if !doc.Stages[0].Windows {
		t.Fatal("servercore must be Windows")
	}
}

// TestIndexes checks Stage.InstructionIndex and Run.CommandIndex: every
// instruction and command is listed under its own keyword or name, in
// order, and nothing else is.
func TestIndexes(t *testing.T) {
	src := "FROM alpine:3.20 AS build\n" +
		"RUN apk add curl && curl -fsSLo /tmp/x https://h/x && sudo chmod +x /tmp/x | tee log && curl https://h/y\n" +
		"COPY a /a\n" +
		"RUN [\"/bin/true\"]\n" +
		"ONBUILD RUN echo hi\n" +
		"FROM scratch\n" +
		"COPY --from=build /tmp/x /x\n"
	doc := mustParse(t, src, Options{})
	if got, want := doc.Stages[0].InstructionIndex, map[string][]int{"run": {0, 2}, "copy": {1}, "onbuild": {3}}; !reflect.DeepEqual(got, want) {
		t.Errorf("stage 0 instruction_index = %v, want %v", got, want)
	}
	if got, want := doc.Stages[1].InstructionIndex, map[string][]int{"copy": {0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("stage 1 instruction_index = %v, want %v (no run key without RUNs)", got, want)
	}
	run := doc.Stages[0].Instructions[0].Run
	want := map[string][]int{"apk": {0}, "curl": {1, 4}, "chmod": {2}, "tee": {3}}
	if !reflect.DeepEqual(run.CommandIndex, want) {
		t.Errorf("command_index = %v, want %v (sudo is a wrapper, not a name)", run.CommandIndex, want)
	}
	for n, is := range run.CommandIndex {
		for _, i := range is {
			if run.Commands[i].Name != n {
				t.Errorf("command_index[%q] lists %d, which runs %q", n, i, run.Commands[i].Name)
			}
		}
	}
	if got := doc.Stages[0].Instructions[2].Run.CommandIndex; !reflect.DeepEqual(got, map[string][]int{"true": {0}}) {
		t.Errorf("exec-form command_index = %v", got)
	}
	// `sudo chmod +x /tmp/x | tee log`: chmod writes into the pipe, tee
	// (its last element) does not; no other command is piped.
	if !reflect.DeepEqual(run.Piped, []int{2}) {
		t.Errorf("piped = %v, want [2]", run.Piped)
	}
	if p := doc.Stages[0].Instructions[2].Run.Piped; p == nil || len(p) != 0 {
		t.Errorf("piped of a RUN without pipes = %#v, want []", p)
	}
	if c := run.Commands[2]; c.Text != "sudo chmod +x /tmp/x" {
		t.Errorf("text = %q, want the argv words, wrapper included", c.Text)
	}
	// A RUN with no command has an empty index, not a null one.
	doc = mustParse(t, "FROM alpine:3.20\nRUN \"\"\n", Options{})
	if idx := doc.Stages[0].Instructions[0].Run.CommandIndex; idx == nil {
		t.Error("command_index of a RUN without commands is nil")
	}
}
