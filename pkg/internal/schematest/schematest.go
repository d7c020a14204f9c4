// Package schematest generates the published JSON schemas from Go types and
// keeps the committed files in step with them. Each package that publishes
// a schema (the Dockerfile and image input documents, the compliance
// report) calls it from its tests, so the rules for generating and
// checking a schema live in one place.
package schematest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/invopop/jsonschema"
)

// Spec describes one published schema.
type Spec struct {
	// Value is a pointer to the root Go type.
	Value any
	// Package is the import path of the calling package and Dirs the
	// directories, relative to it, whose doc comments become
	// descriptions ("." for the package itself, "../x" for a sibling).
	Package string
	Dirs    []string
	ID      string
	Title   string
	// Path is the committed file, relative to the calling package.
	Path string
}

// Generate reflects the schema. It reads Go sources relative to the
// working directory, so it only works from the calling package's tests.
func Generate(t testing.TB, s Spec) []byte {
	t.Helper()
	r := &jsonschema.Reflector{}
	// AddGoComments keys comments by path.Join(base, dir); with the caller
	// as base, "../x" names the sibling package x.
	for _, dir := range s.Dirs {
		if err := r.AddGoComments(s.Package, dir); err != nil {
			t.Fatalf("reading doc comments of %s: %v", dir, err)
		}
	}
	schema := r.Reflect(s.Value)
	schema.ID = jsonschema.ID(s.ID)
	schema.Title = s.Title
	out, err := json.MarshalIndent(schema, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// UpToDate rewrites the committed file when update is set and otherwise
// fails the test if it differs from the generated schema; pkg is the
// package path shown in the hint ("./pkg/image").
func UpToDate(t testing.TB, s Spec, update bool, pkg string) {
	t.Helper()
	got := Generate(t, s)
	if update {
		if err := os.MkdirAll(filepath.Dir(s.Path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(s.Path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	hint := "run go test " + pkg + " -run TestSchemaUpToDate -update"
	want, err := os.ReadFile(s.Path)
	if err != nil {
		t.Fatalf("%v (%s)", err, hint)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date with the Go types; %s", s.Path, hint)
	}
}
