package dockerfile

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/hardline-dev/hardline/pkg/internal/schematest"
)

var update = flag.Bool("update", false, "rewrite docs/schema/dockerfile-input.v1.json")

const (
	schemaPath = "../../docs/schema/dockerfile-input.v1.json"
	schemaID   = "https://hardline.dev/schema/dockerfile-input.v1.json"
	modulePath = "github.com/hardline-dev/hardline/pkg/dockerfile"
)

// schemaSpec is the published schema: the root type, with descriptions
// from the Go doc comments of this package and of the packages whose types
// it embeds.
var schemaSpec = schematest.Spec{
	Value:   &Document{},
	Package: modulePath,
	Dirs:    []string{".", "../baseimage", "../secrets", "../shellcmd", "../pkgops"},
	ID:      schemaID,
	Title:   "hardline Dockerfile input document (" + SchemaVersion + ")",
	Path:    schemaPath,
}

func TestSchemaUpToDate(t *testing.T) {
	schematest.UpToDate(t, schemaSpec, *update, "./pkg/dockerfile")
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
