package image

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/hardline-dev/hardline/pkg/internal/schematest"
)

var update = flag.Bool("update", false, "rewrite docs/schema/image-input.v1.json")

const (
	schemaPath = "../../docs/schema/image-input.v1.json"
	schemaID   = "https://hardline.dev/schema/image-input.v1.json"
	modulePath = "github.com/hardline-dev/hardline/pkg/image"
)

// schemaSpec is the published schema: the root type, with descriptions
// from the Go doc comments of this package and of the packages whose types
// it embeds.
var schemaSpec = schematest.Spec{
	Value:   &Document{},
	Package: modulePath,
	Dirs:    []string{".", "./osrelease", "../pkgops", "../secrets", "../shellcmd"},
	ID:      schemaID,
	Title:   "hardline image input document (" + SchemaVersion + ")",
	Path:    schemaPath,
}

func TestSchemaUpToDate(t *testing.T) { schematest.UpToDate(t, schemaSpec, *update, "./pkg/image") }

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
