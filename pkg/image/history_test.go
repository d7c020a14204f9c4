package image

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/hardline-dev/hardline/pkg/dockerfile"
	"github.com/hardline-dev/hardline/pkg/secrets"
	"github.com/hardline-dev/hardline/pkg/shellcmd"
)

// historyDoc builds the facts of a one-layer image whose history is
// createdBy (every entry but the first is config-only, so that the history
// does not have to match the layers).
func historyDoc(t *testing.T, createdBy ...string) *Document {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image, testLayer(t, tf{name: "bin/sh", body: []byte("x"), mode: 0o755}))
	if err != nil {
		t.Fatal(err)
	}
	var hist []v1.History
	for i, c := range createdBy {
		hist = append(hist, v1.History{CreatedBy: c, EmptyLayer: i > 0})
	}
	return build(t, withConfig(t, img, v1.Config{}, hist), Options{})
}

func names(r *HistoryRun) []string {
	var out []string
	for _, c := range r.Commands {
		out = append(out, c.Name)
	}
	return out
}

// TestHistoryRunFacts: a recorded RUN is parsed into the commands a
// Dockerfile RUN of the same script gets, whatever the recording style;
// other entries have no run.
func TestHistoryRunFacts(t *testing.T) {
	cases := []struct {
		createdBy string
		script    string
		names     []string
	}{
		// BuildKit, with and without build arguments.
		{"RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit", "apt-get update && apt-get install -y curl", []string{"apt-get", "apt-get"}},
		{"RUN |2 A=1 B=2 /bin/sh -c curl -fsSL https://h/i.sh | sh # buildkit", "curl -fsSL https://h/i.sh | sh", []string{"curl", "sh"}},
		// Classic builder and buildah: no RUN keyword.
		{"/bin/sh -c apk add --no-cache curl; sudo make install", "apk add --no-cache curl; sudo make install", []string{"apk", "make"}},
		{"|1 V=3 /bin/sh -c set -eux; wget -qO- https://h/x | bash", "set -eux; wget -qO- https://h/x | bash", []string{"set", "wget", "bash"}},
		{"RUN /bin/bash -o pipefail -c curl -k https://h/x -o /tmp/x # buildkit", "curl -k https://h/x -o /tmp/x", []string{"curl"}},
		// Quoted text is one argument of echo, not a command.
		{`RUN /bin/sh -c echo "curl -k https://h | sh; sudo id" > /etc/motd # buildkit`, `echo "curl -k https://h | sh; sudo id" > /etc/motd`, []string{"echo"}},
		// A line continuation kept in the record.
		{"RUN /bin/sh -c apt-get install -y \\\n    sudo \\\n && curl -k https://h/x # buildkit", "apt-get install -y \\\n    sudo \\\n && curl -k https://h/x", []string{"apt-get", "curl"}},
	}
	for _, c := range cases {
		doc := historyDoc(t, c.createdBy)
		r := doc.History[0].Run
		if doc.History[0].Instruction != "RUN" || r == nil {
			t.Fatalf("%q: instruction %q, run %+v", c.createdBy, doc.History[0].Instruction, r)
		}
		if r.Script != c.script {
			t.Errorf("%q: script = %q, want %q", c.createdBy, r.Script, c.script)
		}
		if got := names(r); !slices.Equal(got, c.names) {
			t.Errorf("%q: commands = %v, want %v", c.createdBy, got, c.names)
		}
		// The same derived facts as a Dockerfile RUN of the same script.
		want := dockerfile.NewCommandFacts(c.script, shellcmd.Parse(c.script, nil).Commands)
		gotJSON, _ := json.Marshal([]any{r.Commands, r.CommandIndex, r.Piped, r.URLs, r.Packages})
		wantJSON, _ := json.Marshal([]any{want.Commands, want.CommandIndex, want.Piped, want.URLs, want.Packages})
		if !bytes.Equal(gotJSON, wantJSON) {
			t.Errorf("%q: facts differ from the Dockerfile constructor's:\n got %s\nwant %s", c.createdBy, gotJSON, wantJSON)
		}
	}
	// Details the rules rely on.
	doc := historyDoc(t, "RUN |2 A=1 B=2 /bin/sh -c curl -fsSL https://h/i.sh | sudo -E sh # buildkit")
	r := doc.History[0].Run
	if !slices.Equal(r.Piped, []int{0}) || r.Commands[1].Name != "sh" || !slices.Equal(r.Commands[1].Wrappers, []string{"sudo"}) {
		t.Errorf("piped %v, commands %+v", r.Piped, r.Commands)
	}
	if !slices.Equal(r.URLs, []string{"https://h/i.sh"}) || !slices.Equal(r.CommandIndex["curl"], []int{0}) {
		t.Errorf("urls %v, command_index %v", r.URLs, r.CommandIndex)
	}
	if got := doc.History[0].BuildArgs; len(got) != 2 || got[0].Name != "A" {
		t.Errorf("build args = %+v", got)
	}
}

// TestHistoryRunAbsent: entries that are not a RUN, and RUNs under a shell
// other than a POSIX one, have no parsed commands.
func TestHistoryRunAbsent(t *testing.T) {
	doc := historyDoc(t,
		"COPY . /app # buildkit",
		"/bin/sh -c #(nop)  CMD [\"sh\"]",
		"ENV A=curl -k x",
		"BusyBox 1.36.1 (glibc), Debian 12",
		"/bin/sh -c #(nop) ADD file:abc123 in / ",
		"powershell -Command iwr https://h/x | iex",
	)
	for i, h := range doc.History[:5] {
		if h.Run != nil {
			t.Errorf("history[%d] (%q) has run %+v", i, h.CreatedBy, h.Run)
		}
	}
	if r := doc.History[5].Run; r == nil || len(r.Commands) != 0 || r.Script != "iwr https://h/x | iex" {
		t.Errorf("powershell RUN: %+v", r)
	}
	// JSON: run is null for non-RUN entries, lists are never null.
	raw, _ := json.Marshal(doc.History)
	if !bytes.Contains(raw, []byte(`"run":null`)) || bytes.Contains(raw, []byte(`"commands":null`)) || bytes.Contains(raw, []byte(`"piped":null`)) {
		t.Errorf("history JSON: %s", raw)
	}
}

// TestHistoryRunMasksSecrets: credential values are masked in every field
// of the parsed run, as in created_by, including values found elsewhere in
// the image (the config Env) and build-argument values.
func TestHistoryRunMasksSecrets(t *testing.T) {
	img, err := mutate.AppendLayers(empty.Image, testLayer(t, tf{name: "bin/sh", body: []byte("x"), mode: 0o755}))
	if err != nil {
		t.Fatal(err)
	}
	img = withConfig(t, img, v1.Config{Env: []string{"GITHUB_TOKEN=" + fakeGitHubToken}}, []v1.History{
		{CreatedBy: "RUN |1 DB_PASSWORD=" + fakePassword + " /bin/sh -c curl -fsS -u deploy:" + fakePassword + " https://example.com/x | sh # buildkit"},
		{CreatedBy: "RUN /bin/sh -c git clone https://x-access-token:" + fakeGitHubToken + "@github.com/o/r && GITHUB_TOKEN=" + fakeGitHubToken + " make > /tmp/" + fakeGitHubToken + " && pip install git+https://x-access-token:" + fakeGitHubToken + "@github.com/o/p # buildkit", EmptyLayer: true},
		{CreatedBy: "RUN /bin/sh -c cat > /root/.netrc <<EOF\nmachine h password " + fakePassword + "\nEOF # buildkit", EmptyLayer: true},
	})
	doc := build(t, img, Options{})
	for i, h := range doc.History {
		if h.Run == nil || len(h.Run.Commands) == 0 {
			t.Fatalf("history[%d]: no commands: %+v", i, h.Run)
		}
		raw, _ := json.Marshal(h.Run)
		for _, v := range []string{fakeGitHubToken, fakePassword} {
			if bytes.Contains(raw, []byte(v)) {
				t.Errorf("history[%d].run contains a secret value %q…: %s", i, v[:6], raw)
			}
		}
	}
	if c := doc.History[0].Run.Commands[0]; c.Name != "curl" || len(c.Args) != 4 || !slices.Equal(doc.History[0].Run.URLs, []string{"https://example.com/x"}) {
		t.Errorf("masking changed the shape: %+v, urls %v", c, doc.History[0].Run.URLs)
	}
	if ix := doc.History[1].Run.CommandIndex; len(ix["git"]) != 1 || len(ix["make"]) != 1 {
		t.Errorf("command_index = %v", ix)
	}
	if ops := doc.History[1].Run.Packages; len(ops) != 1 || ops[0].Manager != "pip" || len(ops[0].Packages) != 1 {
		t.Errorf("packages = %+v", ops)
	}
}

// TestHistoryMasksQuoteSplitSecrets: a value the shell splits with quotes
// (found in the parsed argv, so no exact substring of the record) is
// masked in created_by and in the run's script as well as in its argv.
func TestHistoryMasksQuoteSplitSecrets(t *testing.T) {
	const password, token = "Xk9vQ2mT7wLp4z", "ghp_" + "16C7e42F292c6912E7710c838347Ae178B4a"
	doc := historyDoc(t,
		"ADD rootfs.tar / # buildkit",
		`RUN /bin/sh -c mysql -uroot -p"Xk9vQ2"mT7wLp4z -e "select 1" # buildkit`,
		`RUN /bin/sh -c curl -H "Authorization: Bearer ghp_"16C7e42F292c6912E7710c838347Ae178B4a https://example.com/x # buildkit`,
		"RUN /bin/sh -c mysql -uroot -pXk9vQ2\\\nmT7wLp4z -e 'select 1' # buildkit",
	)
	for i, v := range map[int]string{1: password, 2: token, 3: password} {
		h := doc.History[i]
		if h.Run == nil || len(h.Run.Commands) == 0 {
			t.Fatalf("history[%d]: no commands", i)
		}
		for field, s := range map[string]string{"created_by": h.CreatedBy, "run.script": h.Run.Script} {
			if strings.Contains(s, v[len(v)-8:]) {
				t.Errorf("history[%d].%s holds the end of a secret value (%d characters)", i, field, len(v))
			}
			if !strings.Contains(s, secrets.Mask(v)) {
				t.Errorf("history[%d].%s = %q, want the masked value %q in it", i, field, strings.ReplaceAll(s, v[len(v)-8:], "<secret>"), secrets.Mask(v))
			}
		}
	}
}
