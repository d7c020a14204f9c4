package astcodec

import (
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// everyConstruct uses each kind of node the encoder knows, in the shapes
// the compiler leaves them: functions with else chains, default rules,
// partial sets and objects, ref heads, some/every, with, negation,
// comprehensions of all three kinds, nested composites and every scalar.
var everyConstruct = map[string]string{
	"a.rego": `package x.a

import data.x.b

default allow := false

allow if {
	input.user == "admin"
	not deny_all
}

deny_all if input.block == true

f(x) := "small" if {
	x < 10
} else := "medium" if {
	x < 100
} else := "large"

names contains n if {
	some i, c in input.commands
	n := sprintf("%d:%s", [i, c.name])
}

by_name[k] := v if {
	some c in input.commands
	k := c.name
	v := {"args": c.args, "n": count(c.args), "first": object.get(c, ["args", 0], null)}
}

q.r.s := 1.5e3

all_short if {
	every c in input.commands {
		count(c.args) < 5
	}
}

grouped := {name: ids |
	some c in input.commands
	name := c.name
	ids := [i | some i, d in input.commands; d.name == name]
}

uniq := {lower(c.name) | some c in input.commands}

mocked := v if {
	v := b.value with input.x as {"k": [1, {2, 3}, null, true, false]}
}
`,
	"b.rego": `package x.b

value := input.x.k[0] if input.x
`,
}

func compileAll(t *testing.T, files map[string]string) []*ast.Module {
	t.Helper()
	mods := map[string]*ast.Module{}
	for name, src := range files {
		m, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		mods[name] = m
	}
	c := ast.NewCompiler()
	c.Compile(mods)
	if c.Failed() {
		t.Fatal(c.Errors)
	}
	var out []*ast.Module
	for _, name := range []string{"a.rego", "b.rego"} {
		out = append(out, c.Modules[name])
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	mods := compileAll(t, everyConstruct)
	enc, err := Encode(mods)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !Equal(mods, got) {
		for i := range mods {
			t.Logf("want:\n%s\ngot:\n%s", mods[i], got[i])
		}
		t.Fatal("decoded modules differ from the encoded ones")
	}
	for _, m := range got {
		for _, r := range m.Rules {
			for e := r; e != nil; e = e.Else {
				if e.Module != m {
					t.Fatalf("rule %s: Module pointer not set", e.Head.Name)
				}
			}
		}
	}
	again, err := Encode(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(enc) {
		t.Fatal("encoding the decoded modules gave different bytes")
	}
}

// TestEqualSeesLocations keeps Equal honest: ast's Equal ignores
// locations, the round trip must not.
func TestEqualSeesLocations(t *testing.T) {
	a := compileAll(t, everyConstruct)
	b := compileAll(t, everyConstruct)
	if !Equal(a, b) {
		t.Fatal("two compilations of the same source differ")
	}
	b[1].Rules[0].Head.Value.Location.Row += 7
	if Equal(a, b) {
		t.Fatal("Equal ignored a moved location")
	}
}

func TestEncodeRefusesWhatItCannotStore(t *testing.T) {
	parsed := ast.MustParseModuleWithOpts("package p\nimport data.q\nx := q.y", ast.ParserOptions{RegoVersion: ast.RegoV1})
	if _, err := Encode([]*ast.Module{parsed}); err == nil || !strings.Contains(err.Error(), "imports") {
		t.Errorf("uncompiled module with imports: %v", err)
	}
	mods := compileAll(t, everyConstruct)
	mods[1].Rules[0].Head.Value = ast.NewTerm(&ast.TemplateString{})
	if _, err := Encode(mods); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("unknown term type: %v", err)
	}
}

// TestDecodeCorrupt: every truncation and a byte flip at every position
// of a real encoding must give an error or modules, never a panic.
func TestDecodeCorrupt(t *testing.T) {
	enc, err := Encode(compileAll(t, everyConstruct))
	if err != nil {
		t.Fatal(err)
	}
	for n := range enc {
		if _, err := Decode(enc[:n]); err == nil {
			t.Fatalf("input cut at %d of %d bytes decoded without error", n, len(enc))
		}
	}
	buf := make([]byte, len(enc))
	for i := range enc {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			copy(buf, enc)
			buf[i] ^= x
			_, _ = Decode(buf) // must not panic
		}
	}
	if _, err := Decode(append(enc, 0)); err == nil {
		t.Error("trailing byte accepted")
	}
	if _, err := Decode([]byte("HLAST\x09")); err == nil || !strings.Contains(err.Error(), "format") {
		t.Errorf("other format: %v", err)
	}
}
