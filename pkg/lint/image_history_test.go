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
