package dockerfile

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// lintOf parses src and returns its lint warnings as "Rule@line" and the
// messages by rule.
func lintOf(t *testing.T, src string, opts Options) ([]string, *Document) {
	t.Helper()
	doc, err := Parse("Dockerfile", []byte(src), opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range doc.Lint {
		got = append(got, fmt.Sprintf("%s@%d", w.Rule, w.Location.StartLine))
	}
	return got, doc
}

// The expectations below were checked against BuildKit v0.34.2's own
// dockerfile2llb (Dockerfile2LLB with a stub image resolver, base images
// without ENV), which is what `docker build --check` runs.
func TestLintBuildKitChecks(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opts Options
		want []string
	}{
		{"clean", "FROM alpine:3.20 AS build\nENV A=1\nWORKDIR /app\nCMD [\"a\"]\n", Options{}, nil},
		{"maintainer", "FROM alpine\nMAINTAINER me\n", Options{}, []string{"MaintainerDeprecated@2"}},
		{"stage casing", "FROM alpine AS Build\n", Options{}, []string{"StageNameCasing@1"}},
		{"from as casing", "FROM alpine as build\n", Options{}, []string{"FromAsCasing@1"}},
		{"instruction casing", "FROM alpine\nRUN a\nrun b\nUSER x\n", Options{}, []string{"ConsistentInstructionCasing@3"}},
		{"lower-case majority", "from alpine\nrun a\nRUN b\n", Options{}, []string{"ConsistentInstructionCasing@3"}},
		{"duplicate and reserved", "FROM alpine AS a\nFROM alpine AS A\nFROM alpine AS scratch\n", Options{},
			[]string{"DuplicateStageName@2", "StageNameCasing@2", "ReservedStageName@3"}},
		{"legacy ENV and LABEL", "FROM alpine\nENV A b\nLABEL x y\nENV B=c\n", Options{}, []string{"LegacyKeyValueFormat@2", "LegacyKeyValueFormat@3"}},
		{"json args", "FROM alpine\nCMD run\nENTRYPOINT run\n", Options{}, []string{"JSONArgsRecommended@2", "JSONArgsRecommended@3"}},
		{"json args with SHELL", "FROM alpine\nSHELL [\"/bin/bash\", \"-c\"]\nCMD run\n", Options{}, nil},
		{"json args SHELL inherited", "FROM alpine AS a\nSHELL [\"/bin/bash\", \"-c\"]\nFROM a\nCMD run\n", Options{}, nil},
		{"multiple cmd reports the earlier one", "FROM alpine\nCMD [\"a\"]\nCMD [\"b\"]\nHEALTHCHECK NONE\nHEALTHCHECK NONE\n", Options{},
			[]string{"MultipleInstructionsDisallowed@2", "MultipleInstructionsDisallowed@4"}},
		{"cmd per stage, not per chain", "FROM alpine AS a\nCMD [\"a\"]\nFROM a\nCMD [\"b\"]\n", Options{}, nil},
		{"relative workdir first only", "FROM alpine\nWORKDIR app\nWORKDIR lib\n", Options{}, []string{"WorkdirRelativePath@2"}},
		{"relative after absolute", "FROM alpine\nWORKDIR /app\nWORKDIR lib\n", Options{}, nil},
		{"absolute workdir inherited", "FROM alpine AS a\nWORKDIR /app\nFROM a\nWORKDIR lib\n", Options{}, nil},
		{"workdir from ARG", "FROM alpine\nARG D=/srv\nWORKDIR $D\n", Options{}, nil},
		{"workdir from base image ENV", "FROM alpine\nWORKDIR $HOME\n", Options{}, []string{"UndefinedVar@2"}},
		{"windows workdir", "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n", Options{}, nil},
		{"undefined var", "FROM alpine\nARG VERSION=1\nENV V=$VERSON\nCOPY ${NOPE:-x} /x\n", Options{}, []string{"UndefinedVar@3", "UndefinedVar@4"}},
		{"declared ARG without value", "FROM alpine\nARG X\nCOPY $X /x\n", Options{}, nil},
		{"ARG default referring to itself", "FROM alpine\nARG X=${X:-a}\n", Options{}, []string{"UndefinedVar@2"}},
		{"shell-form RUN and CMD not checked", "FROM alpine\nRUN echo $NOPE\nCMD [\"sh\", \"-c\", \"$NOPE\"]\n", Options{}, nil},
		{"undefined arg in FROM", "FROM alpine:${TAG}\n", Options{}, []string{"InvalidDefaultArgInFrom@1", "UndefinedArgInFrom@1"}},
		{"declared arg in FROM", "ARG TAG=3.20\nFROM alpine:${TAG}\n", Options{}, nil},
		{"invalid default despite build-arg", "ARG BASE\nFROM ${BASE}\n", Options{BuildArgs: map[string]string{"BASE": "alpine"}}, []string{"InvalidDefaultArgInFrom@2"}},
		{"optional registry prefix", "ARG REG\nFROM ${REG:+${REG}/}alpine\n", Options{}, nil},
		{"redundant target platform", "FROM --platform=$TARGETPLATFORM alpine\n", Options{}, []string{"RedundantTargetPlatform@1"}},
		{"build platform is fine", "FROM --platform=$BUILDPLATFORM golang AS build\n", Options{}, nil},
		{"constant platform", "FROM --platform=linux/arm64 alpine\n", Options{}, []string{"FromPlatformFlagConstDisallowed@1"}},
		{"constant platform named by stage", "FROM --platform=linux/arm64 alpine AS build-arm64\n", Options{}, nil},
		{"constant platform alias in name", "FROM --platform=linux/aarch64 alpine AS arm64\n", Options{}, nil},
		{"expose", "FROM alpine\nEXPOSE 80/TCP 8080:80 1.2.3.4:80:80 443\n", Options{},
			[]string{"ExposeInvalidFormat@2", "ExposeInvalidFormat@2", "ExposeProtoCasing@2"}},
		{"empty continuation", "FROM alpine\nRUN a \\\n\n  b\n", Options{}, []string{"NoEmptyContinuation@4"}},
		{"secret names", "FROM alpine\nARG API_KEY\nENV PUBLIC_KEY=x DB_PASSWORD=y\n", Options{},
			[]string{"SecretsUsedInArgOrEnv@2", "SecretsUsedInArgOrEnv@3"}},
		{"skip directive", "# check=skip=MaintainerDeprecated,StageNameCasing\nFROM alpine AS Build\nMAINTAINER me\n", Options{}, nil},
		{"skip all", "# check=skip=all\nFROM alpine AS Build\nMAINTAINER me\n", Options{}, nil},
		{"per-instruction skip comment", "FROM alpine\n# check=skip=JSONArgsRecommended\nCMD run\nENTRYPOINT run\n", Options{}, []string{"JSONArgsRecommended@4"}},
		{"experimental off by default", "FROM alpine AS build\n# the builder\nFROM build\n", Options{}, nil},
		{"experimental enabled", "# check=experimental=InvalidDefinitionDescription\n\n# the builder\nFROM alpine AS build\n", Options{}, []string{"InvalidDefinitionDescription@4"}},
		{"onbuild triggers not checked", "FROM alpine\nONBUILD ENV A b\nONBUILD COPY $NOPE /x\nONBUILD WORKDIR rel\n", Options{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, doc := lintOf(t, tt.src, tt.opts)
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("lint = %v, want %v\n%+v", got, want, doc.Lint)
			}
		})
	}
}

func TestLintWarningFields(t *testing.T) {
	_, doc := lintOf(t, "FROM alpine AS a\nFROM scratch\nENV A=$UNDEF\nFROM a\nENV B=$PAHT\n", Options{})
	if len(doc.Lint) != 2 {
		t.Fatalf("lint = %+v", doc.Lint)
	}
	scratch, image := doc.Lint[0], doc.Lint[1]
	if scratch.Rule != "UndefinedVar" || scratch.Stage != 1 || scratch.BaseEnvUnknown || scratch.Message != "Usage of undefined variable '$UNDEF'" {
		t.Errorf("scratch stage warning %+v", scratch)
	}
	if scratch.URL != "https://docs.docker.com/go/dockerfile/rule/undefined-var/" || scratch.Description == "" {
		t.Errorf("rule metadata missing: %+v", scratch)
	}
	if scratch.Location != (Location{StartLine: 3, StartColumn: 1, EndLine: 3, EndColumn: 12}) {
		t.Errorf("location %+v", scratch.Location)
	}
	if image.Stage != 2 || !image.BaseEnvUnknown || !strings.Contains(image.Message, "(did you mean $PATH?)") {
		t.Errorf("image stage warning %+v", image)
	}
}

func TestLintCheckDirective(t *testing.T) {
	_, doc := lintOf(t, "# check=skip=A,B;error=true;experimental=all\nFROM alpine\n", Options{})
	c := doc.Check
	if c == nil || !c.Error || !c.ExperimentalAll || !slices.Equal(c.Skip, []string{"A", "B"}) || c.Invalid != "" {
		t.Errorf("check = %+v", c)
	}
	_, doc = lintOf(t, "# check=bogus\nFROM alpine\nMAINTAINER x\n", Options{})
	if doc.Check == nil || doc.Check.Invalid == "" {
		t.Errorf("invalid directive not recorded: %+v", doc.Check)
	}
	if len(doc.Lint) != 1 || len(doc.Warnings) == 0 {
		t.Errorf("an invalid directive must leave the default checks on and warn: lint %+v, warnings %+v", doc.Lint, doc.Warnings)
	}
	_, doc = lintOf(t, "FROM alpine\n", Options{})
	if doc.Check != nil || doc.Lint == nil {
		t.Errorf("no directive: check %+v, lint %#v", doc.Check, doc.Lint)
	}
}

// TestLintDeterministic: warnings come out in one order however often the
// file is parsed (BuildKit's own order depends on map iteration).
func TestLintDeterministic(t *testing.T) {
	src := "FROM alpine AS B\nENV A b\nCOPY $X $Y $Z ${W:-1} /d\nEXPOSE 1:2/TCP\nCMD a\nCMD b\nWORKDIR x\n"
	first, _ := lintOf(t, src, Options{})
	for range 20 {
		if got, _ := lintOf(t, src, Options{}); !slices.Equal(got, first) {
			t.Fatalf("order changed: %v vs %v", got, first)
		}
	}
	if !slices.IsSortedFunc(first, func(a, b string) int {
		return strings.Compare(a[strings.IndexByte(a, '@'):], b[strings.IndexByte(b, '@'):])
	}) {
		t.Errorf("not sorted by line: %v", first)
	}
}

// TestLintMessagesNoSecretValues: BuildKit's messages name variables, not
// values; a secret that does reach one (a WORKDIR built from a credential)
// is among the document's redactions, which callers mask.
func TestLintMessagesNoSecretValues(t *testing.T) {
	const tok = "ghp_" + "R4nd0mT0k3nV4lu3F0rT3st1ng0nly1234"
	src := "FROM alpine\nARG GITHUB_TOKEN=" + tok + "\nENV API_TOKEN=" + tok + "\nWORKDIR x$GITHUB_TOKEN\n"
	_, doc := lintOf(t, src, Options{})
	leaked := false
	for _, w := range doc.Lint {
		if strings.Contains(w.Message, tok) {
			leaked = true
		}
		if w.Rule == "SecretsUsedInArgOrEnv" && strings.Contains(w.Message, tok) {
			t.Errorf("SecretsUsedInArgOrEnv prints the value: %q", w.Message)
		}
	}
	// The WORKDIR message quotes the expanded path, as BuildKit's does.
	if !leaked {
		t.Fatalf("expected the WORKDIR warning to quote the expanded path: %+v", doc.Lint)
	}
	if !slices.Contains(doc.Redactions(), tok) {
		t.Errorf("a lint message holds the token but it is not among the redactions")
	}
}

func TestParsePlatform(t *testing.T) {
	for in, want := range map[string]string{
		"linux/amd64": "linux amd64", "linux/x86_64": "linux amd64", "linux/arm64/v8": "linux arm64",
		"windows": "windows amd64", "arm64": "linux arm64", "Linux/AArch64": "linux arm64",
	} {
		os, arch, ok := parsePlatform(in)
		if !ok || os+" "+arch != want {
			t.Errorf("parsePlatform(%q) = %q %q %v, want %q", in, os, arch, ok, want)
		}
	}
	for _, bad := range []string{"", "linux//amd64", "a/b/c/d", "linux/$ARCH"} {
		if _, _, ok := parsePlatform(bad); ok {
			t.Errorf("parsePlatform(%q) accepted", bad)
		}
	}
}
