package dockerfile

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/invopop/jsonschema"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite docs/schema/dockerfile-input.v1.json")

const (
	schemaPath = "../../docs/schema/dockerfile-input.v1.json"
	schemaID   = "https://hardline.dev/schema/dockerfile-input.v1.json"
	modulePath = "github.com/hardline-dev/hardline/pkg/dockerfile"
)

// generateSchema reflects the Document types, taking descriptions from the
// Go doc comments of this package and of the packages whose types are
// embedded in the document. It reads Go sources relative to this
// directory, so it only works from a test.
func generateSchema(t *testing.T) []byte {
	t.Helper()
	r := &jsonschema.Reflector{}
	// AddGoComments keys comments by path.Join(base, dir); with this
	// package as base, "../x" names the sibling package x.
	for _, dir := range []string{".", "../baseimage", "../secrets", "../shellcmd", "../pkgops"} {
		if err := r.AddGoComments(modulePath, dir); err != nil {
			t.Fatalf("reading doc comments of %s: %v", dir, err)
		}
	}
	s := r.Reflect(&Document{})
	s.ID = schemaID
	s.Title = "hardline Dockerfile input document (" + SchemaVersion + ")"
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func TestSchemaUpToDate(t *testing.T) {
	got := generateSchema(t)
	if *update {
		if err := os.MkdirAll(filepath.Dir(schemaPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(schemaPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/dockerfile -run Schema -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date with the Go types; run go test ./pkg/dockerfile -run Schema -update", schemaPath)
	}
}

// compileSchema loads the committed schema.
func compileSchema(t *testing.T) *sjs.Schema {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := sjs.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := sjs.NewCompiler()
	if err := c.AddResource(schemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaID)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// validate checks a document against the schema through its JSON form,
// as OPA will see it.
func validate(t *testing.T, sch *sjs.Schema, name string, d *Document) {
	t.Helper()
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	v, err := sjs.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("%s does not validate against the schema: %v", name, err)
	}
}

func TestSchemaValidatesFixtures(t *testing.T) {
	sch := compileSchema(t)
	files, _ := filepath.Glob("testdata/*.Dockerfile")
	srcs := map[string][]byte{"inline-minimal": []byte("FROM scratch\n")}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs[f] = b
	}
	for name, src := range srcs {
		d, err := Parse(name, src, Options{BuildArgs: map[string]string{"BASE_TAG": "3.19"}})
		if err != nil {
			t.Fatal(err)
		}
		validate(t, sch, name, d)
	}
}
