package image

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/hardline-dev/hardline/pkg/secrets"
)

// More made-up credentials in formats the detector knows; never real.
const (
	fakeGitHubToken2 = "ghp_Wm4nB8vC2xZ6lK9jH3gF7dS1aP5oI0uY8tR2"
	fakeGitHubToken3 = "ghp_Tq3x9LmN5pR7tV9wY1aB4cD6eF0gH2jK4mQ8"
	fakeGitHubToken4 = "ghp_Pz5c7LmN5pR7tV9wY1aB4cD6eF0gH2jK4mA1"
	fakeNPMToken     = "npm_Rk7vXq2mT9pLw4sZ8yB3cN6dF1gH5jK0aQ2e"
	fakeGitLabToken  = "glpat-Xy7Kq2LmN9pR4tV8wZ3b"
	fakeKubeToken    = "kXf83jQ9zLm2Rt7VwY5bN1cP4sD6gH0a"
)

// fakePrivateKey is PEM armour around random base64, not a key.
func fakePrivateKey() string {
	return "-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n", 8) + "-----END PRIVATE KEY-----\n"
}

func serviceAccountJSON() []byte {
	sa := map[string]string{
		"type": "service_account", "project_id": "demo-project", "private_key_id": "0123456789abcdef",
		"private_key": fakePrivateKey(), "client_email": "ci@demo-project.iam.gserviceaccount.com",
	}
	data, _ := json.MarshalIndent(sa, "", "  ")
	return data
}

const dotenvFile = `# application settings
DB_PASSWORD=Vx7#kP2m!Qz9rT4w
API_KEY=${API_KEY}
SECRET_KEY=changeme
DATA_DIR=/var/lib/app
CALLBACK_URL=https://example.com/callback
EMPTY_TOKEN=
export SESSION_SECRET="<your-session-secret>"
`

func kubeconfigFile(token string) string {
	return `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://k8s.example.com:6443
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=
users:
- name: ci
  user:
    tokenFile: /var/run/secrets/token
- name: deployer
  user:
    token: ` + token + `
contexts:
- name: prod
  context: {cluster: prod, user: deployer}
`
}

// clientPy is code whose assignments look like credentials to the generic
// rules but are expressions.
const clientPy = `class Client:
    def connect(self, name):
        token = self.session.fetch_token(name, scope)
        password = prompt_for_secret(name)
        api_key = self._settings.api_key_value
        key = self._cache[name]
        return token
`

// secretsImage builds a four-layer image with credentials in file content:
//
//	0: a package-owned config with a token, a binary holding a token, an
//	   .npmrc with a NUL byte, documentation with a token (noise path)
//	1: app config files, .env, kubeconfig, a service-account key under an
//	   arbitrary name, a log larger than the test's read cap
//	2: deletes /app/config.yaml, rewrites /app/settings.ini (same token)
func secretsImage(t *testing.T) v1.Image {
	t.Helper()
	binary := append([]byte("\x7fELF\x02\x01\x01\x00\x00\x00"), []byte("...token="+fakeGitHubToken3+"...")...)
	big := "token: " + fakeGitHubToken4 + "\n" + strings.Repeat("log line without anything interesting in it\n", 3000) + "GITLAB_TOKEN=" + fakeGitLabToken + "\n"
	base := testLayer(t,
		tf{name: "etc/passwd", body: []byte("root:x:0:0:root:/root:/bin/sh\n")},
		tf{name: "var/lib/dpkg/status", body: []byte("Package: app-conf\nStatus: install ok installed\nVersion: 1.0\n")},
		tf{name: "var/lib/dpkg/info/app-conf.list", body: []byte("/.\n/etc/app\n/etc/app/app.conf\n")},
		tf{name: "etc/app/app.conf", body: []byte("[upstream]\napi_token = " + fakeGitHubToken2 + "\n")},
		tf{name: "usr/bin/tool", body: binary, mode: 0o755},
		tf{name: "root/.npmrc", body: []byte("\x00\n//registry.npmjs.org/:_authToken=" + fakeNPMToken + "\n")},
		tf{name: "usr/share/doc/tool/example.conf", body: []byte("api_token = " + fakeGitHubToken2 + "\n")},
	)
	app := testLayer(t,
		tf{name: "app/config.yaml", body: []byte("github:\n  user: ci\n  token: " + fakeGitHubToken + "\n")},
		tf{name: "app/settings.ini", body: []byte("[auth]\napi_key = " + fakeGitHubToken2 + "\n")},
		tf{name: "app/.env", body: []byte(dotenvFile)},
		tf{name: "app/.env.example", body: []byte("DB_PASSWORD=changeme\nAPI_KEY=<your-api-key>\n")},
		tf{name: "root/.kube/config", body: []byte(kubeconfigFile(fakeKubeToken))},
		tf{name: "app/keys/prod.json", body: serviceAccountJSON()},
		tf{name: "app/big.log", body: []byte(big)},
		tf{name: "app/client.py", body: []byte(clientPy)},
	)
	later := testLayer(t,
		tf{name: "app/.wh.config.yaml"},
		tf{name: "app/settings.ini", body: []byte("[auth]\napi_key = " + fakeGitHubToken2 + "\n[ui]\ntheme = dark\n")},
	)
	img, err := mutate.AppendLayers(empty.Image, base, app, later)
	if err != nil {
		t.Fatal(err)
	}
	return withConfig(t, img, v1.Config{Cmd: []string{"/app/run"}}, nil)
}

// plantedValues must appear in no document.
var plantedValues = []string{
	fakeGitHubToken, fakeGitHubToken2, fakeGitHubToken3, fakeGitHubToken4, fakeNPMToken, fakeGitLabToken,
	fakeKubeToken, "Vx7#kP2m!Qz9rT4w", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw",
}

func assertNoValues(t *testing.T, doc *Document) {
	t.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range plantedValues {
		if bytes.Contains(raw, []byte(v)) {
			t.Errorf("the document contains a planted value %q…", v[:6])
		}
	}
}

func fileSecrets(doc *Document) map[string][]Secret {
	out := map[string][]Secret{}
	for _, s := range doc.Secrets {
		if s.Source == "file" {
			out[s.Path] = append(out[s.Path], s)
		}
	}
	return out
}

func TestFileSecretsEveryLayer(t *testing.T) {
	doc := build(t, secretsImage(t), Options{MaxFileBytes: 64 << 10})
	assertNoValues(t, doc)
	fs := fileSecrets(doc)

	// A token in a config file of layer 1 that layer 2 deleted.
	if s := fs["/app/config.yaml"]; len(s) != 1 || s[0].Layer != 1 || s[0].RemovedIn != 2 || s[0].Rule != "github-pat" || s[0].Line != 3 || s[0].Key != "token" {
		t.Errorf("/app/config.yaml secrets = %+v, want one github-pat at line 3, layer 1, removed in 2", s)
	}
	// The same value in a file layer 2 rewrote: once, at the layer that
	// added it, still present.
	if s := fs["/app/settings.ini"]; len(s) != 1 || s[0].Layer != 1 || s[0].RemovedIn != -1 {
		t.Errorf("/app/settings.ini secrets = %+v, want one at layer 1, not removed", s)
	}
	// Credential files recognised by name or by content, reported once.
	kinds := map[string]CredentialFile{}
	for _, c := range doc.CredentialFiles {
		kinds[c.Path] = c
	}
	for p, kind := range map[string]string{"/app/.env": "dotenv", "/root/.kube/config": "kubeconfig", "/app/keys/prod.json": "gcp-service-account", "/root/.npmrc": "npmrc-token"} {
		c, ok := kinds[p]
		if !ok || c.Kind != kind {
			t.Errorf("credential file %s = %+v, want kind %s", p, c, kind)
			continue
		}
		if n := len(fs[p]); n != 1 {
			t.Errorf("%s: %d file secrets, want the credential file's one", p, n)
		}
	}
	if c := kinds["/app/.env"]; c.Secret.Line != 2 || c.Secret.Key != "DB_PASSWORD" || c.Secret.Masked != secrets.Mask("Vx7#kP2m!Qz9rT4w") {
		t.Errorf(".env credential = %+v, want DB_PASSWORD at line 2", c.Secret)
	}
	if c := kinds["/root/.kube/config"]; c.Secret.Line != 14 || c.Secret.Key != "token" {
		t.Errorf("kubeconfig credential = %+v, want the deployer's token at line 14", c.Secret)
	}
	if c := kinds["/app/keys/prod.json"]; c.Secret.Key != "private_key" || c.Layer != 1 {
		t.Errorf("service-account key = %+v", c)
	}
	for _, p := range []string{"/app/.env.example", "/usr/bin/tool", "/usr/share/doc/tool/example.conf", "/etc/app/app.conf", "/app/client.py"} {
		if len(fs[p]) > 0 {
			t.Errorf("%s reported: %+v", p, fs[p])
		}
	}
	// Over the cap: the start is scanned, the rest is not, and both are
	// said.
	if s := fs["/app/big.log"]; len(s) != 1 || s[0].Masked != secrets.Mask(fakeGitHubToken4) {
		t.Errorf("/app/big.log secrets = %+v, want only the token before the cap", s)
	}
	if !slices.ContainsFunc(doc.Skipped, func(s Skipped) bool { return s.Path == "/app/big.log" && strings.Contains(s.Reason, "read cap") }) {
		t.Errorf("skipped = %+v, want /app/big.log as partly read", doc.Skipped)
	}
	sc := doc.Scan
	if !sc.Enabled || sc.Truncated != 1 || sc.TruncatedBytes <= 0 || sc.BinarySkipped < 2 || sc.PathSkipped < 1 || sc.PackageOwned != 1 || sc.FilesScanned < 8 || sc.BytesScanned <= 64<<10 {
		t.Errorf("scan = %+v", sc)
	}
	if sc.Filtered < 1 {
		t.Errorf("scan = %+v, want the code in /app/client.py filtered", sc)
	}
	if sc.Secrets != 3 || !slices.Equal(sc.SkipPaths, DefaultSkipPaths) {
		t.Errorf("scan secrets = %d (want config.yaml, settings.ini, big.log), skip paths %v", sc.Secrets, sc.SkipPaths)
	}
	for _, v := range []string{fakeGitHubToken, fakeGitHubToken2, fakeGitHubToken4, fakeNPMToken, fakeKubeToken, "Vx7#kP2m!Qz9rT4w"} {
		if !slices.Contains(doc.Redactions(), v) {
			t.Errorf("redactions miss %q…", v[:6])
		}
	}
}

func TestFileSecretsSkipPathsOverride(t *testing.T) {
	doc := build(t, secretsImage(t), Options{SkipPaths: []string{}})
	assertNoValues(t, doc)
	fs := fileSecrets(doc)
	if s := fs["/usr/share/doc/tool/example.conf"]; len(s) != 1 || s[0].Layer != 0 {
		t.Errorf("with no skip paths the documentation's token should be found: %+v", s)
	}
	if doc.Scan.PathSkipped != 0 || len(doc.Scan.SkipPaths) != 0 {
		t.Errorf("scan = %+v", doc.Scan)
	}
	if s := fs["/app/big.log"]; len(s) != 2 {
		t.Errorf("with the default cap both tokens of /app/big.log should be found: %+v", s)
	}
	// A custom list: documentation scanned, /app skipped (credential files
	// included).
	doc = build(t, secretsImage(t), Options{SkipPaths: []string{"/app/**"}})
	fs = fileSecrets(doc)
	if len(fs["/usr/share/doc/tool/example.conf"]) != 1 || len(fs["/app/config.yaml"]) != 0 || len(fs["/app/.env"]) != 0 {
		t.Errorf("custom skip paths: %v", fs)
	}
	if _, err := Build(t.Context(), openImage(t, secretsImage(t)), Options{SkipPaths: []string{"app/**"}}); err == nil {
		t.Error("a relative skip pattern was accepted")
	}
}

func TestFileSecretsOff(t *testing.T) {
	doc := build(t, secretsImage(t), Options{NoFileSecrets: true})
	assertNoValues(t, doc)
	fs := fileSecrets(doc)
	if len(fs["/app/config.yaml"]) != 0 || len(fs["/app/settings.ini"]) != 0 {
		t.Errorf("content scanned although turned off: %v", fs)
	}
	// Credential files by name are still checked; by content they are not.
	if len(fs["/app/.env"]) != 1 || len(fs["/root/.kube/config"]) != 1 || len(fs["/app/keys/prod.json"]) != 0 {
		t.Errorf("credential files with scanning off: %v", fs)
	}
	if doc.Scan.Enabled || doc.Scan.FilesScanned != 0 {
		t.Errorf("scan = %+v", doc.Scan)
	}
}

func TestDotenvCheck(t *testing.T) {
	var vals []string
	c := checker{det: secrets.Default().WithCollector(func(v string) { vals = append(vals, v) }), collect: func(v string) { vals = append(vals, v) }}
	for _, line := range []string{
		"API_KEY=${API_KEY}", "API_KEY=$API_KEY", "SECRET_KEY=changeme", "DB_PASSWORD=", "DB_PASSWORD=''",
		"PASSWORD_FILE=/run/secrets/db", "DB_PASSWORD=/run/secrets/db", "AUTH_URL=https://auth.example.com/token",
		`API_TOKEN="<your-token-here>"`, "TOKEN=xxxxxxxxxxxxxxxx", "# DB_PASSWORD=Vx7#kP2m!Qz9rT4w", "not an assignment",
		"DEBUG=true", "PORT=8080",
	} {
		if m := c.dotenv(line + "\n"); m != nil {
			t.Errorf("%q reported: %+v", line, m)
		}
	}
	for line, want := range map[string]string{
		"DB_PASSWORD=Vx7#kP2m!Qz9rT4w # the prod one":            "generic-credential-assignment",
		"export GITHUB_TOKEN=" + fakeGitHubToken:                 "github-pat",
		"DATABASE_URL=postgres://app:Vx7kP2mQz9rT4w@db:5432/app": "basic-auth-url",
		`NPM_TOKEN="` + fakeNPMToken + `"`:                       "npm-access-token",
	} {
		m := c.dotenv("# settings\n" + line + "\n")
		if m == nil || m.Rule != want || m.Line != 2 {
			t.Errorf("%q = %+v, want %s at line 2", line, m, want)
		}
	}
}

func TestKubeconfigCheck(t *testing.T) {
	var vals []string
	c := checker{det: secrets.Default().WithCollector(func(v string) { vals = append(vals, v) }), collect: func(v string) { vals = append(vals, v) }}
	for _, tok := range []string{"${KUBE_TOKEN}", "<token>", "changeme", `""`} {
		if m := c.kubeconfig([]byte(kubeconfigFile(tok))); m != nil {
			t.Errorf("token %s reported: %+v", tok, m)
		}
	}
	if m := c.kubeconfig([]byte(kubeconfigFile(fakeKubeToken))); m == nil || m.Line != 14 || m.Masked != secrets.Mask(fakeKubeToken) {
		t.Errorf("real token = %+v", m)
	}
	key := base64.StdEncoding.EncodeToString([]byte(fakePrivateKey()))
	cfg := "users:\n- name: admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTiBDRVJU\n    client-key-data: " + key + "\n"
	if m := c.kubeconfig([]byte(cfg)); m == nil || m.Key != "client-key-data" || m.Line != 5 {
		t.Errorf("client key = %+v", m)
	}
	if !slices.Contains(vals, key) || !slices.Contains(vals, fakeKubeToken) {
		t.Error("kubeconfig values not collected for redaction")
	}
	if m := c.kubeconfig([]byte("users: [\n")); m != nil {
		t.Errorf("broken YAML reported: %+v", m)
	}
}

func TestCloudCredentialChecks(t *testing.T) {
	c := checker{det: secrets.Default(), collect: func(string) {}}
	if m := c.check("gcloud-credentials", []byte(`{"type": "authorized_user", "client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com", "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty", "refresh_token": "1//0gLx7kP2mQz9rT4wVx7kP2mQz9rT4wVx7kP2mQz9rT4w"}`)); m == nil || m.Key != "refresh_token" {
		t.Errorf("gcloud ADC = %+v", m)
	}
	if m := c.check("gcloud-credentials", []byte(`{"type": "external_account", "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q", "credential_source": {"file": "/var/run/token"}}`)); m != nil {
		t.Errorf("workload identity config (no secret) reported: %+v", m)
	}
	if m := c.check("azure-credentials", []byte(`[{"tokenType": "Bearer", "expiresIn": 3599, "accessToken": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQifQ.c2lnbmF0dXJl", "refreshToken": "0.AXEAx7kP2mQz9rT4wVx7kP2mQz9rT4w"}]`)); m == nil || m.Key != "refreshToken" {
		t.Errorf("azure accessTokens.json = %+v", m)
	}
	if m := c.check("gcp-service-account", []byte(`{"type": "service_account", "private_key": ""}`)); m != nil {
		t.Errorf("service account without a key reported: %+v", m)
	}
	for p, want := range map[string]string{
		"/root/.kube/config": "kubeconfig", "/home/ci/prod.kubeconfig": "kubeconfig", "/etc/kubernetes/admin.conf": "kubeconfig",
		"/etc/kubernetes/manifests/etcd.conf": "", "/root/.config/gcloud/application_default_credentials.json": "gcloud-credentials",
		"/root/.config/gcloud/legacy_credentials/ci@x.iam/adc.json": "gcloud-credentials", "/root/.azure/accessTokens.json": "azure-credentials",
		"/srv/service-account-prod.json": "gcp-service-account", "/app/.env": "dotenv", "/app/.env.production": "dotenv",
		"/app/prod.env": "dotenv", "/app/.env.example": "", "/app/.env.sample": "", "/app/env": "", "/app/.envrc": "",
	} {
		if got := credentialKind(p); got != want {
			t.Errorf("credentialKind(%s) = %q, want %q", p, got, want)
		}
	}
}

func TestSkipPathMatching(t *testing.T) {
	m, err := compileSkipPaths(DefaultSkipPaths)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{
		"/usr/share/doc/openssl/README": true, "/usr/share/docs/x": false, "/usr/local/go/src/crypto/tls/testdata/example-key.pem": true,
		"/usr/local/go/bin/go": false, "/usr/lib/go-1.22/src/net/http/x.go": true, "/app/node_modules/left-pad/test/index.js": true,
		"/app/node_modules/@scope/pkg/tests/key.pem": true, "/app/node_modules/left-pad/index.js": false,
		"/usr/lib/python3/dist-packages/requests/tests/test_x.py": true, "/usr/local/lib/python3.12/test/keycert.pem": true,
		"/usr/local/lib/python3.12/site-packages/botocore/data/s3/2006-03-01/examples-1.json": true,
		"/etc/ssl/certs/ca-certificates.crt":                                                  true, "/etc/ssl/private/server.key": false, "/app/config/cacert.pem": true,
		"/srv/app/main.go": false, "/root/.ssh/id_rsa": false,
	} {
		if got := m.match(p); got != want {
			t.Errorf("skip %s = %v, want %v", p, got, want)
		}
	}
	for _, bad := range []string{"relative/**", "/usr/[", ""} {
		if ValidateSkipPaths([]string{bad}) == nil {
			t.Errorf("pattern %q accepted", bad)
		}
	}
}

func TestPlausibleInFile(t *testing.T) {
	medium := func(key string) secrets.Match {
		return secrets.Match{Rule: "generic-credential-assignment", Key: key, Confidence: secrets.ConfidenceMedium}
	}
	for _, c := range []struct {
		path, key, value, line string
		want                   bool
	}{
		{"/app/settings.py", "SECRET_KEY", "k9Xv2mQz7rT4wP1z", `SECRET_KEY = "k9Xv2mQz7rT4wP1z"`, true},
		{"/app/settings.py", "token", "self._lookup", `token = self._lookup(name)`, false},
		{"/app/client.js", "key", "entry.keyName", `const key = entry.keyName;`, false},
		{"/app/client.py", "password", "getpassPrompt", `password = getpassPrompt`, false},
		{"/app/app.ini", "password", "Vx7kP2mQz9rT4w", `password = Vx7kP2mQz9rT4w`, true},
		{"/app/app.ini", "key", "FieldName", `Key = FieldName`, false},
		{"/usr/lib/perl5/cop.h", "", "COPHH_KEY_UTF8", `=for apidoc Amnh||COPHH_KEY_UTF8`, false},
		{"/usr/lib/tk8.6/tkConfig.sh", "accessible", "TK_XINCLUDES=", `TK_XINCLUDES=''`, false},
		{"/app/gen.go", "encryptionKey", "decryptionKey1024", `"encryptionKey": "decryptionKey1024",`, false},
		{"/app/example.json", "NextToken", "eyJOZXh0VG9rZW4iOiBudWxsfQ==", `"NextToken": "eyJOZXh0VG9rZW4iOiBudWxsfQ=="`, false},
		{"/app/models.py", "password_last_used", "not_supported", `password_last_used = "not_supported"`, false},
		{"/app/url.py", "HEX_PAT", "[0-9A-Fa-f]{1,4}", `HEX_PAT = "[0-9A-Fa-f]{1,4}"`, false},
		{"/app/config.yaml", "api_key", "Zx8Kq2Lm9Pr4Tv7W", `  api_key: Zx8Kq2Lm9Pr4Tv7W`, true},
	} {
		if got := secrets.PlausibleInFile(c.path, medium(c.key), c.value, c.line); got != c.want {
			t.Errorf("%s %q: plausible = %v, want %v", c.path, c.line, got, c.want)
		}
	}
	high := secrets.Match{Rule: "github-pat", Confidence: secrets.ConfidenceHigh}
	if !secrets.PlausibleInFile("/app/x.py", high, fakeGitHubToken, "x = y("+fakeGitHubToken+")") {
		t.Error("a provider token was filtered")
	}
}

// A layer shared by two positions (same diff_id) is read once; its
// secrets are not doubled.
func TestFileSecretsSharedLayer(t *testing.T) {
	l := testLayer(t, tf{name: "app/config.yaml", body: []byte("token: " + fakeGitHubToken + "\n")})
	other := testLayer(t, tf{name: "tmp/x", body: []byte("x"), typ: tar.TypeReg})
	img, err := mutate.AppendLayers(empty.Image, l, other, l)
	if err != nil {
		t.Fatal(err)
	}
	doc := build(t, withConfig(t, img, v1.Config{}, nil), Options{})
	if n := len(fileSecrets(doc)["/app/config.yaml"]); n != 1 {
		t.Errorf("%d secrets for a file of a repeated layer, want 1", n)
	}
}

func TestFileSecretsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Build(ctx, openImage(t, secretsImage(t)), Options{}); err == nil {
		t.Error("a cancelled build returned a document")
	}
}
