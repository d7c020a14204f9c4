package policy

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/hardline-dev/hardline/pkg/dockerfile"
	"github.com/hardline-dev/hardline/pkg/finding"
)

type inner struct {
	A string `json:"a"`
	B int    `json:"b,omitempty"`
}

type outer struct {
	inner                       // promoted fields
	Name     string             `json:"name"`
	Skip     string             `json:"-"`
	Opt      string             `json:"opt,omitempty"`
	Ptr      *inner             `json:"ptr"`
	NilPtr   *inner             `json:"nil_ptr"`
	OmitPtr  *inner             `json:"omit_ptr,omitempty"`
	List     []string           `json:"list"`
	NilList  []string           `json:"nil_list"`
	Empty    []int              `json:"empty,omitempty"`
	Map      map[string]string  `json:"map"`
	Nested   map[string][]inner `json:"nested"`
	Sev      finding.Severity   `json:"sev"` // TextMarshaler
	Flag     *bool              `json:"flag,omitempty"`
	Any      any                `json:"any"`
	Float    float64            `json:"float"`
	Untagged int
	private  int
}

// TestFromGoMatchesJSON checks the reflection conversion against OPA's own
// JSON-based conversion, which defines the semantics rules see.
func TestFromGoMatchesJSON(t *testing.T) {
	yes := true
	cases := []any{
		outer{inner: inner{A: "x"}, Name: "n", Skip: "s", Ptr: &inner{A: "p", B: 2}, List: []string{"a"},
			Map: map[string]string{"k": "v", "a": "b"}, Nested: map[string][]inner{"z": {{A: "q"}}},
			Sev: finding.High, Flag: &yes, Any: map[string]any{"x": []any{1.5, "y"}}, Float: 2.25, Untagged: 7, private: 3},
		outer{},
		&outer{Empty: []int{}},
		[]outer{{Name: "a"}, {Name: "b"}},
	}
	for i, c := range cases {
		want, err := ast.InterfaceToValue(c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fromGo(c)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if want.Compare(got) != 0 {
			t.Errorf("case %d:\n got  %v\n want %v", i, got, want)
		}
	}
}

// TestFromGoOnFactsDocuments compares both conversions on real facts
// documents: the Dockerfile fixtures, and the corpus when it is present.
func TestFromGoOnFactsDocuments(t *testing.T) {
	files, _ := filepath.Glob("../dockerfile/testdata/*")
	_ = filepath.WalkDir("../../../shared/corpus/files", func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && len(files) < 400 {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatal("no Dockerfiles found to compare on")
	}
	compared := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		doc, err := dockerfile.Parse(f, src, dockerfile.Options{})
		if err != nil {
			continue
		}
		want, err := ast.InterfaceToValue(doc)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fromGo(doc)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if want.Compare(got) != 0 {
			t.Fatalf("%s: conversions differ", f)
		}
		compared++
	}
	if compared == 0 {
		t.Fatal("no document could be compared")
	}
	t.Logf("compared %d documents", compared)
}

func TestFromGoRejectsCycles(t *testing.T) {
	type node struct {
		Next *node `json:"next"`
	}
	n := &node{}
	n.Next = n
	if _, err := fromGo(n); err == nil {
		t.Fatal("cyclic input accepted")
	}
}

func BenchmarkConvertDocument(b *testing.B) {
	src, err := os.ReadFile("../../examples/python-alpine/Dockerfile")
	if err != nil {
		b.Fatal(err)
	}
	doc, err := dockerfile.Parse("Dockerfile", src, dockerfile.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fromGo", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := fromGo(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("InterfaceToValue", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := ast.InterfaceToValue(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
