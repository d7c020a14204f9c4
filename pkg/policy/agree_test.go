package policy

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hardline-dev/hardline/pkg/dockerfile"
	"github.com/hardline-dev/hardline/pkg/image"
	imgsource "github.com/hardline-dev/hardline/pkg/image/source"
)

// agreementSet holds the documents on which two engines that must agree
// are compared.
type agreementSet struct {
	docs   []*dockerfile.Document
	names  []string
	images []*image.Document
}

// agreementInputs are the documents two engines that must agree are compared
// on: the rule fixtures, the examples, a fifth of the corpus and the two
// BusyBox images (when ../shared is present).
func agreementInputs(t *testing.T) agreementSet {
	t.Helper()
	ctx := context.Background()
	var docs []*dockerfile.Document
	var names []string
	var images []*image.Document
	files, _ := filepath.Glob("../../testdata/rules/*/*.Dockerfile")
	examples, _ := filepath.Glob("../../examples/*/Dockerfile")
	files = append(files, examples...)
	if corpus, _ := filepath.Glob("../../../shared/corpus/files/*/*"); len(corpus) > 0 {
		var all []string
		_ = filepath.WalkDir("../../../shared/corpus/files", func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				all = append(all, p)
			}
			return nil
		})
		for i := 0; i < len(all); i += 5 {
			files = append(files, all[i])
		}
	} else {
		t.Log("../shared corpus not found: fixtures and examples only")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := dockerfile.Parse(f, src, dockerfile.Options{})
		if err != nil {
			continue
		}
		docs = append(docs, doc)
		names = append(names, f)
	}
	if len(docs) < 40 {
		t.Fatalf("only %d Dockerfiles parsed", len(docs))
	}
	for _, layout := range []string{"busybox-glibc", "busybox-musl"} {
		dir := filepath.Join("../../../shared/images", layout)
		if _, err := os.Stat(dir); err != nil {
			t.Logf("%s not found: no image comparison", dir)
			continue
		}
		img, err := imgsource.Open(ctx, "oci:"+dir, imgsource.Options{})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := image.Build(ctx, img, image.Options{})
		if err != nil {
			t.Fatal(err)
		}
		images = append(images, doc)
	}

	return agreementSet{docs: docs, names: names, images: images}
}

// compare evaluates every document the kinds allow (nil: all) with both
// engines and fails on the first difference in results or errors. It
// returns the number of results compared.
func (in agreementSet) compare(t *testing.T, label string, want, got *Engine, kinds []string) int {
	t.Helper()
	ctx := context.Background()
	total := 0
	one := func(name, kind string, doc any) {
		a, errA := want.Evaluate(ctx, kind, doc, nil)
		b, errB := got.Evaluate(ctx, kind, doc, nil)
		if (errA == nil) != (errB == nil) || len(a) != len(b) {
			t.Fatalf("%s, %s: %d results (%v) vs %d (%v)", label, name, len(a), errA, len(b), errB)
		}
		for i := range a {
			if compareResults(a[i], b[i]) != 0 || a[i].Message != b[i].Message {
				t.Fatalf("%s, %s: result %d differs: %+v vs %+v", label, name, i, a[i], b[i])
			}
		}
		total += len(a)
	}
	if kinds == nil || slices.Contains(kinds, KindDockerfile) {
		for i, doc := range in.docs {
			one(in.names[i], KindDockerfile, doc)
		}
	}
	if kinds == nil || slices.Contains(kinds, KindImage) {
		for i, doc := range in.images {
			one("image "+string(rune('0'+i)), KindImage, doc)
		}
	}
	return total
}
