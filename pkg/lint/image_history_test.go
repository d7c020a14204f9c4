package lint

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// TestLintImageHistoryCommands: the image branches of HL1030, HL1031 and
// HL1033 judge the recorded RUN commands as parsed commands, end to end
// (created_by → facts → rules → findings): real uses in every recording
// style are reported on their history entry, text that only mentions them
// is not, and no credential from the record reaches a finding.
func TestLintImageHistoryCommands(t *testing.T) {
	img := linuxImage(t, v1.Config{},
		[]v1.History{
			{CreatedBy: "ADD rootfs.tar / # buildkit"},
			{CreatedBy: "RUN |2 A=1 B=2 /bin/sh -c apt-get update && curl -fsSL https://get.docker.com | sudo -E sh # buildkit", EmptyLayer: true},
			{CreatedBy: "/bin/sh -c set -eux; curl -k -u deploy:" + fakeToken + " https://h/x -o /x", EmptyLayer: true},
			{CreatedBy: `RUN /bin/sh -c echo "curl -k https://h/q.sh | sh; sudo make install" > /README # buildkit`, EmptyLayer: true},
			{CreatedBy: "RUN /bin/sh -c apt-get install -y \\\n    sudo \\\n && wget \\\n    --no-check-certificate https://h/y # buildkit", EmptyLayer: true},
		},
		memLayer(t, map[string]string{"bin/sh": "x"}, map[string]int64{"bin/sh": 0o755}))
	path := filepath.Join(t.TempDir(), "hist.tar")
	tag, _ := name.NewTag("example.com/hist:1")
	if err := tarball.WriteToFile(path, tag, img); err != nil {
		t.Fatal(err)
	}
	ir := New(Options{Engine: testEngine(t)}).LintImage(context.Background(), path, ImageOptions{})
	if len(ir.Errors) > 0 {
		t.Fatalf("errors: %+v", ir.Errors)
	}
	got := map[string][]int{}
	for _, f := range ir.Findings {
		if slices.Contains([]string{"HL1030", "HL1031", "HL1033"}, f.RuleID) && f.Image != nil {
			got[f.RuleID] = append(got[f.RuleID], f.Image.History)
		}
	}
	for _, l := range got {
		slices.Sort(l)
	}
	want := map[string][]int{"HL1030": {2, 4}, "HL1031": {1}, "HL1033": {1}}
	for id, w := range want {
		if !slices.Equal(got[id], w) {
			t.Errorf("%s on history entries %v, want %v", id, got[id], w)
		}
	}
	raw, _ := json.Marshal(ir.Findings)
	if bytes.Contains(raw, []byte(fakeToken)) {
		t.Error("a finding carries the token from the history")
	}
}

// TestLintImageUpdateAlone: HL1016 judges the recorded RUNs end to end: an
// index refresh alone in its RUN is reported on its history entry and
// layer, refreshes with an install in the same RUN are not, and the
// finding keeps its fingerprint when a layer is added below it (the
// baseline of an image survives a rebuild on a grown base).
func TestLintImageUpdateAlone(t *testing.T) {
	lintHist := func(extra bool) []finding.Finding {
		t.Helper()
		history := []v1.History{{CreatedBy: "ADD rootfs.tar / # buildkit"}}
		layers := []v1.Layer{memLayer(t, map[string]string{"bin/sh": "x"}, map[string]int64{"bin/sh": 0o755})}
		if extra {
			history = append(history, v1.History{CreatedBy: "RUN /bin/sh -c mkdir -p /opt # buildkit"})
			layers = append(layers, memLayer(t, map[string]string{"opt/": ""}, nil))
		}
		history = append(history,
			v1.History{CreatedBy: "RUN /bin/sh -c apt-get update # buildkit"},
			v1.History{CreatedBy: "RUN /bin/sh -c apt-get update && apt-get install -y tini # buildkit"},
			v1.History{CreatedBy: "/bin/sh -c apk add --update curl", EmptyLayer: true},
		)
		layers = append(layers,
			memLayer(t, map[string]string{"var/lib/apt/lists/a": "a"}, nil),
			memLayer(t, map[string]string{"usr/bin/tini": "t"}, nil),
		)
		path := filepath.Join(t.TempDir(), "update.tar")
		tag, _ := name.NewTag("example.com/update:1")
		if err := tarball.WriteToFile(path, tag, linuxImage(t, v1.Config{}, history, layers...)); err != nil {
			t.Fatal(err)
		}
		ir := New(Options{Engine: testEngine(t)}).LintImage(context.Background(), path, ImageOptions{})
		if len(ir.Errors) > 0 {
			t.Fatalf("errors: %+v", ir.Errors)
		}
		var out []finding.Finding
		for _, f := range ir.Findings {
			if f.RuleID == "HL1016" {
				out = append(out, f)
			}
		}
		return out
	}
	a, b := lintHist(false), lintHist(true)
	if len(a) != 1 || a[0].Image == nil || a[0].Image.History != 1 || a[0].Image.Layer != 1 {
		t.Fatalf("HL1016 findings %+v, want one on history entry 1 (layer 1)", a)
	}
	if len(b) != 1 || b[0].Image == nil || b[0].Image.History != 2 || b[0].Image.Layer != 2 {
		t.Fatalf("with a layer below: HL1016 findings %+v, want one on history entry 2 (layer 2)", b)
	}
	if a[0].Fingerprint == "" || a[0].Fingerprint != b[0].Fingerprint {
		t.Errorf("fingerprint %q changed to %q when a layer was added below", a[0].Fingerprint, b[0].Fingerprint)
	}
}
