package dockerfile

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSecrets(t *testing.T) {
	doc := mustParseFile(t, "secrets.Dockerfile", Options{})
	type want struct {
		key, source  string
		stage, instr int
		line, col    int
		maskedPrefix string
	}
	wants := []want{
		{"GLOBAL_TOKEN", "arg", -1, -1, 1, 18, "ghp_"},
		{"NPM_TOKEN", "arg", 0, 0, 3, 15, "npm_"},
		{"AWS_ACCESS_KEY_ID", "env", 0, 1, 4, 23, "AKIA"},
		// curl -u user:password: the text rules see "user:password", the
		// argv rules the password; one credential, reported once, as the
		// password.
		{"-u", "run", 0, 3, 9, 19, "Sup3"},
		{"", "run", 0, 4, 10, 24, "AKIA"}, // exec form
		{"SLACK_WEBHOOK", "onbuild", 1, 1, 15, 27, "http"},
		{"", "copy-heredoc", 1, 2, 17, 43, "Xk9m"},
	}
	if len(doc.Secrets) != len(wants) {
		for _, s := range doc.Secrets {
			t.Logf("%+v", s)
		}
		t.Fatalf("got %d secrets, want %d", len(doc.Secrets), len(wants))
	}
	for i, w := range wants {
		s := doc.Secrets[i]
		if s.Key != w.key || s.Source != w.source || s.Stage != w.stage || s.Instruction != w.instr ||
			s.Location.StartLine != w.line || s.Location.StartColumn != w.col || !strings.HasPrefix(s.Masked, w.maskedPrefix) {
			t.Errorf("secret %d = %+v, want %+v", i, s, w)
		}
		if s.Fingerprint == "" || s.Rule == "" {
			t.Errorf("secret %d lacks rule or fingerprint: %+v", i, s)
		}
	}
	// NPM_TOKEN's default is substituted into two RUNs (one in the child
	// stage) but must be reported once, at the ARG.
	seen := map[string]int{}
	for _, s := range doc.Secrets {
		seen[s.Fingerprint]++
	}
	for fp, n := range seen {
		if n > 1 {
			t.Errorf("fingerprint %s reported %d times", fp, n)
		}
	}
	raw, err := json.Marshal(doc.Secrets)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"ghp_0123456789abcdefghij", "npm_s3cr3tV4lu3", "AKIAZ7VRSQ5TQ3JXW4KM", "Sup3rS3cretPassw0rd", "Xk9mQ2vL7pR4wZ8s"} {
		if strings.Contains(string(raw), v) {
			t.Errorf("secret value %q leaked into Document.Secrets", v)
		}
	}
}

func TestSecretsInHeredocAndDedupe(t *testing.T) {
	doc := mustParseFile(t, "heredoc.Dockerfile", Options{})
	if len(doc.Secrets) != 1 {
		t.Fatalf("secrets = %+v", doc.Secrets)
	}
	if s := doc.Secrets[0]; s.Source != "heredoc" || s.Location.StartLine != 11 || s.Instruction != 2 {
		t.Errorf("heredoc secret = %+v", s)
	}
	// A value written twice is reported once, at its first occurrence.
	doc = mustParse(t, "FROM alpine\nENV GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJklmnop\nRUN curl -H \"Authorization: token ghp_0123456789abcdefghijABCDEFGHIJklmnop\" https://api.github.com\n", Options{})
	if len(doc.Secrets) != 1 || doc.Secrets[0].Source != "env" || doc.Secrets[0].Location.StartLine != 2 {
		t.Errorf("dedupe: %+v", doc.Secrets)
	}
	// References are not credentials.
	doc = mustParse(t, "FROM alpine\nARG DB_PASSWORD\nENV DB_PASSWORD=${DB_PASSWORD}\nLABEL api_key=\"$API_KEY\"\n", Options{})
	if len(doc.Secrets) != 0 {
		t.Errorf("variable references reported as secrets: %+v", doc.Secrets)
	}
}

func TestSensitiveName(t *testing.T) {
	doc := mustParse(t, "ARG GITHUB_TOKEN\nFROM alpine\nARG DB_PASSWORD VERSION\n", Options{})
	if !doc.GlobalArgs[0].SensitiveName {
		t.Errorf("GITHUB_TOKEN not sensitive")
	}
	a := doc.Stages[0].Instructions[0].Arg
	if !a[0].SensitiveName || a[1].SensitiveName {
		t.Errorf("ARG decls = %+v", a)
	}
}

// TestSecretPerInstruction: the same literal written in two RUNs is two
// facts (fixing one must not hide the other), while an ARG default that a RUN
// substitutes is reported once, at the ARG.
func TestSecretPerInstruction(t *testing.T) {
	pw := "Aq1Ws2Ed3" + "Rf4Tg5Yh"
	doc := mustParse(t, "FROM alpine:3.20\n"+
		"RUN wget https://admin:"+pw+"@example.com/x.tgz\n"+
		"RUN wget https://admin:"+pw+"@example.com/y.tgz\n", Options{})
	var lines []int
	for _, s := range doc.Secrets {
		lines = append(lines, s.Location.StartLine)
	}
	if len(lines) != 2 || lines[0] != 2 || lines[1] != 3 {
		t.Fatalf("want one secret fact on each of lines 2 and 3, got %v", lines)
	}

	doc = mustParse(t, "FROM alpine:3.20\nARG TOKEN="+pw+"\n"+
		"RUN curl -u admin:${TOKEN} https://example.com/\n", Options{})
	if len(doc.Secrets) != 1 || doc.Secrets[0].Source != "arg" {
		t.Fatalf("want the ARG default reported once, at the ARG: %+v", doc.Secrets)
	}
}

// TestRedactions: the document remembers the exact values (for masking
// rule output) without serialising them.
func TestRedactions(t *testing.T) {
	pw := "hunter2" + "hunter2XyZ"
	doc := mustParse(t, "FROM alpine:3.20\nENV DB_PASSWORD="+pw+"\nUSER 1000\n", Options{})
	got := doc.Redactions()
	if len(got) != 1 || got[0] != pw {
		t.Fatalf("Redactions() = %q", got)
	}
	js, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), "redaction") {
		t.Fatal("redactions leaked into the serialised document")
	}
}

// TestSecretsOutsideRun: credentials in a remote ADD source and in the argv
// of CMD, ENTRYPOINT and HEALTHCHECK are facts too; plain URLs and option
// values that are not credentials are not.
func TestSecretsOutsideRun(t *testing.T) {
	pw := "Ad81Kq02" + "Lm93Nb74Vc65"
	doc := mustParse(t, "FROM alpine:3.20\n"+
		"ADD https://admin:"+pw+"a@example.com/x.tgz /x.tgz\n"+
		"ADD https://example.com/plain.tgz /plain.tgz\n"+
		"HEALTHCHECK CMD curl -fs -u admin:"+pw+"b http://localhost/\n"+
		"ENTRYPOINT [\"/app\", \"--api-key\", \""+pw+"c\"]\n"+
		"CMD curl -u admin:"+pw+"d https://example.com/ --retry 3\n", Options{})
	got := map[string]int{}
	for _, s := range doc.Secrets {
		got[s.Source] = s.Location.StartLine
	}
	want := map[string]int{"add": 2, "healthcheck": 4, "entrypoint": 5, "cmd": 6}
	for src, line := range want {
		if got[src] != line {
			t.Errorf("source %s: want a secret fact on line %d, got facts %+v", src, line, doc.Secrets)
		}
	}
	if len(doc.Secrets) != len(want) {
		t.Errorf("want exactly %d facts, got %d: %+v", len(want), len(doc.Secrets), doc.Secrets)
	}
}
