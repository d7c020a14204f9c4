package dockerfile

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Automatic platform ARGs. BuildKit predefines them in the global scope (the
// scope of FROM lines and of `ARG NAME` re-declarations without a default)
// from the build and target platforms. hardline lints without a builder, so
// it assumes the overwhelmingly common linux/amd64 for both; --build-arg can
// override any of them, as with BuildKit.
var platformArgs = [...][2]string{
	{"BUILDPLATFORM", "linux/amd64"},
	{"BUILDOS", "linux"},
	{"BUILDOSVERSION", ""},
	{"BUILDARCH", "amd64"},
	{"BUILDVARIANT", ""},
	{"TARGETPLATFORM", "linux/amd64"},
	{"TARGETOS", "linux"},
	{"TARGETOSVERSION", ""},
	{"TARGETARCH", "amd64"},
	{"TARGETVARIANT", ""},
}

// vars is a variable scope usable by BuildKit's shell lexer.
type vars map[string]string

func (v vars) Get(k string) (string, bool) {
	s, ok := v[k]
	if len(s) > maxExpansion {
		return "", false // see budgetVars
	}
	return s, ok
}

// maxExpansion bounds the variable text one word's expansion substitutes.
// ARG D1=${D0}${D0}, D2=${D1}${D1} … doubles at every line: forty lines
// make a terabyte. Past the budget a reference counts as unset, so the
// word is unresolved rather than the process out of memory.
const maxExpansion = 1 << 20

// budgetVars is a scope that substitutes at most left bytes in all.
type budgetVars struct {
	v    vars
	left int
}

func (b *budgetVars) Get(k string) (string, bool) {
	s, ok := b.v.Get(k)
	if !ok || len(s) > b.left {
		return "", false
	}
	b.left -= len(s)
	return s, true
}

func (b *budgetVars) Keys() []string { return b.v.Keys() }

func (v vars) Keys() []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var _ shell.EnvGetter = vars(nil)

// noVars is the scope of ONBUILD triggers: they are expanded in the
// downstream build, so nothing is known about their variables here.
var noVars = vars{}

// argInScope is an ARG declared in a stage (or inherited from its FROM
// <stage> parent) that BuildKit tracks as a build arg of the stage.
type argInScope struct {
	name     string
	hasValue bool
}

// buildState is the per-stage state that BuildKit's dispatcher carries and
// that FROM <stage> copies into the child stage.
type buildState struct {
	// vars is the build-time environment: ARG values and ENV, in declaration
	// order with the last assignment winning (BuildKit keeps both in the LLB
	// state's environment, which is what expansion and RUN see).
	vars vars
	// args are the declared build args, inherited through FROM <stage> as
	// BuildKit does (ARGs declared in a stage are visible in the stages
	// built FROM it; see the "Scope" section of the Dockerfile reference).
	args    []argInScope
	runtime Runtime
	// shellSet is true once a SHELL instruction was seen in the chain.
	shellSet bool
	// imageEnv is true when the chain starts from an image (not scratch)
	// whose own ENV may define variables this file does not.
	imageEnv bool
	// workdirSet is true once a WORKDIR instruction was seen in the chain
	// (BuildKit's dispatchState.workdirSet, for WorkdirRelativePath).
	workdirSet bool
}

// defaultPath is the PATH BuildKit guarantees in the build environment of
// Linux stages whose image does not set one (system.DefaultPathEnv). The
// base image's own ENV is unknown here, so this is the best available
// value for `ENV PATH=/x:$PATH`.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func newBuildState(defaultShell []string, windows bool) *buildState {
	v := vars{}
	if !windows {
		v["PATH"] = defaultPath
	}
	return &buildState{
		vars: v,
		runtime: Runtime{
			Shell:  slices.Clone(defaultShell),
			Env:    map[string]string{},
			Expose: []Port{},
		},
	}
}

// clone deep-copies the state for a child stage (FROM <stage>).
func (b *buildState) clone() *buildState {
	c := &buildState{
		vars:       maps.Clone(b.vars),
		args:       slices.Clone(b.args),
		runtime:    b.runtime,
		shellSet:   b.shellSet,
		imageEnv:   b.imageEnv,
		workdirSet: b.workdirSet,
	}
	c.runtime.Shell = slices.Clone(b.runtime.Shell)
	c.runtime.Env = maps.Clone(b.runtime.Env)
	c.runtime.Expose = slices.Clone(b.runtime.Expose)
	if c.runtime.Expose == nil {
		c.runtime.Expose = []Port{}
	}
	return c
}

func (b *buildState) declared(name string) bool {
	for _, a := range b.args {
		if a.name == name {
			return true
		}
	}
	return false
}

func (b *buildState) declareArg(name string, hasValue bool) {
	for i, a := range b.args {
		if a.name == name {
			b.args[i].hasValue = hasValue
			return
		}
	}
	b.args = append(b.args, argInScope{name: name, hasValue: hasValue})
}

// argsWithValue lists, in declaration order, the build args that have a
// value: BuildKit prefixes every RUN's history entry with all of them.
func (b *buildState) argsWithValue() []string {
	out := make([]string, 0, len(b.args))
	for _, a := range b.args {
		if a.hasValue {
			out = append(out, a.name)
		}
	}
	return out
}

// isBareRef reports whether word references name without a default or
// alternative value ($NAME or ${NAME}); such a reference to an unset
// variable leaves the result genuinely unknown, whereas ${NAME:-x} does not.
// References inside ${NAME:+...} or ${NAME+...} are skipped: the shell only
// evaluates that text when NAME is set, which is the point of the idiom
// ${REGISTRY:+${REGISTRY}/}. Quoting and escapes are ignored: this is only
// consulted for names that BuildKit's lexer reported as unmatched.
func isBareRef(word, name string) bool {
	for i := 0; i < len(word); i++ {
		if word[i] != '$' {
			continue
		}
		rest := word[i+1:]
		if len(rest) > len(name) && rest[0] == '{' && rest[1:1+len(name)] == name {
			after := rest[1+len(name):]
			switch {
			case strings.HasPrefix(after, "}"):
				return true
			case strings.HasPrefix(after, ":+"), strings.HasPrefix(after, "+"):
				i += 1 + skipBraces(rest)
			}
			continue
		}
		if len(rest) >= len(name) && rest[:len(name)] == name {
			if len(rest) == len(name) || !isNameByte(rest[len(name)]) {
				return true
			}
		}
	}
	return false
}

// skipBraces returns the index of the '}' closing the '{' at s[0], or
// len(s)-1 when it is not closed.
func skipBraces(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(s) - 1
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
