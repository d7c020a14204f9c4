package image

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/invopop/jsonschema"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite docs/schema/image-input.v1.json")

const (
	schemaPath = "../../docs/schema/image-input.v1.json"
	schemaID   = "https://hardline.dev/schema/image-input.v1.json"
	modulePath = "github.com/hardline-dev/hardline/pkg/image"
)

// generateSchema reflects Document, with descriptions from the Go doc
// comments of this package and of the packages whose types it embeds.
func generateSchema(t *testing.T) []byte {
	t.Helper()
	r := &jsonschema.Reflector{}
	for _, dir := range []string{".", "./osrelease", "../secrets"} {
		if err := r.AddGoComments(modulePath, dir); err != nil {
			t.Fatalf("reading doc comments of %s: %v", dir, err)
		}
	}
	s := r.Reflect(&Document{})
	s.ID = schemaID
	s.Title = "hardline image input document (" + SchemaVersion + ")"
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
		t.Fatalf("%v (run go test ./pkg/image -run Schema -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date with the Go types; run go test ./pkg/image -run Schema -update", schemaPath)
	}
}

func validateDoc(t *testing.T, name string, d *Document) {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sdoc, err := sjs.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := sjs.NewCompiler()
	if err := c.AddResource(schemaID, sdoc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaID)
	if err != nil {
		t.Fatal(err)
	}
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

func TestSchemaValidatesDocuments(t *testing.T) {
	// An image with nothing in it: every list must still be present.
	validateDoc(t, "empty image", build(t, withConfig(t, empty.Image, v1.Config{}, nil), Options{}))
	if _, err := os.Stat(alpineRootfs); err == nil {
		validateDoc(t, "alpine image", build(t, alpineImage(t), Options{}))
	}
}
