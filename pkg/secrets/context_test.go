package secrets

import (
	"strings"
	"testing"
)

func TestScanTextContextRules(t *testing.T) {
	pw := "Zq8" + randFrom(alnum, 13, 21)     // secret-like: mixed classes, 16 chars
	b64auth := "dXNlcjpTM2NyM3RQYXNzdzByZA==" // base64("user:S3cr3tPassw0rd")
	tests := []struct {
		name, text, rule string
		line, col        int
	}{
		{"npmrc legacy authToken", "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=" + randFrom(hexLow, 8, 1) + "-" + randFrom(hexLow, 4, 2) + "-" + randFrom(hexLow, 12, 3) + "\n", "npmrc-auth", 2, 34},
		{"npmrc _auth", "_auth=" + b64auth + "\nemail=a@b.c\n", "npmrc-auth", 1, 7},
		{".pypirc password", "[pypi]\nusername = alice\npassword = " + pw + "\n", "config-password", 3, 12},
		{".netrc one line", "machine github.com login alice password " + pw + "\n", "netrc-password", 1, 41},
		{".netrc multi line", "machine github.com\n  login alice\n  password " + pw + "\n", "netrc-password", 3, 12},
		{".git-credentials", "https://alice:" + pw + "@github.com\n", "basic-auth-url", 1, 15},
		{"docker config auth", `{"auths":{"registry.example.io":{"auth":"` + b64auth + `"}}}`, "docker-config-auth", 1, 42},
		{"aws credentials file", "[default]\nregion = eu-west-1\naws_secret_access_key = " + randFrom(alnum+"/+", 40, 6) + "\n", "aws-secret-access-key", 3, 25},
		{"basic auth url in script", "RUN pip install --index-url https://ci:" + pw + "@pypi.internal/simple app", "basic-auth-url", 1, 40},
		{"assignment in RUN", "RUN export DB_PASSWORD=" + pw + " && ./setup.sh", "generic-credential-assignment", 1, 24},
		{"legacy ENV form", "FROM x\nENV API_TOKEN " + pw + "\n", "generic-credential-assignment", 2, 15},
		{"truncated private key", "RUN echo \"-----BEGIN OPENSSH PRIVATE KEY-----\\n" + randFrom(b64, 70, 7) + "\\n" + randFrom(b64, 70, 8) + "\" > id", "private-key-pem", 1, 11},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := Default().ScanText(tc.text)
			if len(ms) != 1 {
				t.Fatalf("want exactly one match (%s), got %v", tc.rule, ms)
			}
			m := ms[0]
			if m.Rule != tc.rule || m.Line != tc.line || m.Column != tc.col {
				t.Errorf("got %s at %d:%d, want %s at %d:%d", m.Rule, m.Line, m.Column, tc.rule, tc.line, tc.col)
			}
			assertNoLeak(t, m, pw)
			assertNoLeak(t, m, b64auth)
		})
	}
}

func TestScanTextContextNegatives(t *testing.T) {
	tests := []struct{ name, text string }{
		{"netrc with variable", `echo "machine github.com login $USER password $GITHUB_TOKEN" > ~/.netrc`},
		{"url without password", "git clone https://alice@github.com/o/r.git"},
		{"url with variable password", `git clone "https://${GIT_USER}:${GIT_TOKEN}@github.com/o/r.git"`},
		{"url with placeholder password", "https://user:password@proxy.example.com:3128"},
		{"url default credentials", "DATABASE_URL=postgres://postgres:postgres@db:5432/app"},
		{"pypirc placeholder", "[pypi]\npassword = <your-token>\n"},
		{"pypirc variable", "[pypi]\npassword = ${PYPI_PASSWORD}\n"},
		{"assignment of variable", "export API_KEY=$API_KEY"},
		{"assignment of command output", `SECRET="$(cat /run/secrets/app)"`},
		{"sudoers NOPASSWD", `echo "user ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/user`},
		{"password file path", "ENV MINIO_ROOT_PASSWORD_FILE=secret_key"},
		{"configure flag", "./configure --with-password-argon2"},
		{"debconf", `echo "mysql-server mysql-server/root_password password unused" | debconf-set-selections`},
		{"aws secret from variable", "echo 'aws_secret_access_key = $AMAZON_SECRET_ACCESS_KEY' >> ~/.aws/credentials"},
		{"aws docs example secret", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"},
		{"mount secret", "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if ms := Default().ScanText(tc.text); len(ms) != 0 {
				t.Errorf("want no match, got %v", ms)
			}
		})
	}
}

func TestCheckValue(t *testing.T) {
	ghp := "ghp_" + randFrom(alnum, 36, 31)
	tests := []struct {
		key, value, rule string
		col              int
	}{
		{"DB_PASSWORD", "S3cr3tPassw0rd!", "generic-credential-assignment", 1},
		{"DB_PASSWORD", `"S3cr3tPassw0rd!"`, "generic-credential-assignment", 2},
		{"apiKey", "k3J9sLw2Qp8ZxT4v", "generic-credential-assignment", 1},
		{"CLIENT_SECRET", randFrom(alnum, 32, 32), "generic-credential-assignment", 1},
		{"MYSQLPASSWORD", "Tr0ub4dor&3x", "generic-credential-assignment", 1},
		{"ADMIN_TOKEN", "${ADMIN_TOKEN:-Hx7" + randFrom(alnum, 14, 33) + "}", "generic-credential-assignment", 16},
		{"SECRET_KEY", randFrom(hexLow, 64, 34), "generic-credential-assignment", 1},
		{"FOO", ghp, "github-pat", 1},
		{"DATABASE_URL", "postgres://app:Xk9" + randFrom(alnum, 12, 35) + "@db/app", "basic-auth-url", 16},
	}
	for _, tc := range tests {
		t.Run(tc.key+"="+tc.rule, func(t *testing.T) {
			m := Default().CheckValue(tc.key, tc.value)
			if m == nil {
				t.Fatalf("want %s, got nil", tc.rule)
			}
			if m.Rule != tc.rule || m.Column != tc.col || m.Line != 1 || m.Key != tc.key {
				t.Errorf("got %+v, want rule %s col %d key %s", *m, tc.rule, tc.col, tc.key)
			}
			assertNoLeak(t, *m, strings.Trim(tc.value, `"`))
		})
	}
	negatives := [][2]string{
		{"DB_PASSWORD_FILE", "/run/secrets/db"},
		{"API_KEY", "${API_KEY}"},
		{"API_KEY", "$API_KEY"},
		{"TOKEN", "${TOKEN:-}"},
		{"TOKEN", "${TOKEN:-changeme}"},
		{"TOKEN", "changeme"},
		{"PASSWORD", ""},
		{"PASSWORD", "password"},
		{"POSTGRES_PASSWORD", "mysecretpassword"},
		{"PASSWORD", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"},
		{"MTP_SECRET", "00000000000000000000000000000000"},
		{"API_KEY", "your-api-key"},
		{"API_KEY", "<api-key>"},
		{"TOKEN", "REPLACE_ME"},
		{"SECRET", "****"},
		{"TOKEN", "none"},
		{"TOKEN", "null"},
		{"PASSWORD", "example123"},
		{"VULTR_API_KEY", "fake"},
		{"GPG_KEYS", "B42F6819007F00F88E364FD4036A9C25BF357DD4"},
		{"GPG_KEY", "7169605F62C751356D054A26A821E680E5FA6305"},
		{"KEY", "B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8"},
		{"NODE_VERSION", "20.11.0"},
		{"PYTHON_SHA256", randFrom(hexLow, 64, 36)},
		{"SECRET_KEY_BASE_DUMMY", "1"},
		{"KEYBOARD", "Sup3rL0ngValue99"},
		{"TOKENIZER_PATH", "models/tok3nizer.json"},
		{"PASSWORD_MIN_LENGTH", "12"},
		{"AUTHOR", "Jane Doe <jane@example.org>"},
		{"AUTH_TYPE", "OAuth2Bearer"},
		{"TOKEN_URL", "https://auth.example.com/token"},
		{"JWT_SECRET", "https://vault.example.com/v1/secret"},
		{"PWD", "/app"},
		{"ENABLE_AUTH", "true"},
		{"SECRET_NAME", "prod-db-credentials"},
		{"AWS_ACCESS_KEY_ID", "AKIA" + "IOSFODNN7" + "EXAMPLE"},
	}
	for _, n := range negatives {
		if m := Default().CheckValue(n[0], n[1]); m != nil {
			t.Errorf("CheckValue(%q, %q) = %+v, want nil", n[0], n[1], *m)
		}
	}
}

func TestIsCredentialKey(t *testing.T) {
	yes := []string{"PASSWORD", "DB_PASSWORD", "db-passwd", "MYSQL_ROOT_PASSWORD", "dbPassword", "API_KEY", "apikey", "ApiKey",
		"ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "PRIVATE_KEY", "CLIENT_SECRET", "GITHUB_TOKEN", "X-Auth-Token", "auth_token",
		"CREDENTIALS", "NPM_AUTH", "PASSPHRASE", "ENCRYPTION_KEY", "key", "githubtoken"}
	no := []string{"KEYBOARD", "TOKENIZER_PATH", "PASSWORD_MIN_LENGTH", "AUTHOR", "GPG_KEYS", "GPG_KEY", "PUBLIC_KEY",
		"DB_PASSWORD_FILE", "TOKEN_URL", "SECRET_DIR", "AUTH_TYPE", "PWD", "OLDPWD", "KEY_ID", "ACCESS_KEY_ID",
		"PYTHON_SHA256", "NODE_VERSION", "SECRET_KEY_BASE_DUMMY", "PASSPORT", "password-stdin", ""}
	for _, k := range yes {
		if !IsCredentialKey(k) {
			t.Errorf("IsCredentialKey(%q) = false, want true", k)
		}
	}
	for _, k := range no {
		if IsCredentialKey(k) {
			t.Errorf("IsCredentialKey(%q) = true, want false", k)
		}
	}
}

func TestScanArgv(t *testing.T) {
	pw := "Zq8" + randFrom(alnum, 13, 41)
	tok := randFrom(alnum, 32, 42)
	tests := []struct {
		name string
		argv []string
		rule string
		key  string
		col  int // column in strings.Join(argv, " ")
	}{
		{"curl -u", []string{"curl", "-u", "alice:" + pw, "https://x"}, "cli-password", "-u", 15},
		{"curl --user", []string{"curl", "--user", "alice:" + pw, "https://x"}, "cli-password", "-u", 19},
		{"curl -uUSER:PASS", []string{"curl", "-ualice:" + pw, "https://x"}, "cli-password", "-u", 14},
		{"curl -fsSLu USER:PASS", []string{"curl", "-fsSLu", "alice:" + pw, "https://x"}, "cli-password", "-u", 19},
		{"curl -fsuUSER:PASS", []string{"curl", "-fsualice:" + pw, "https://x"}, "cli-password", "-u", 16},
		{"curl bearer header", []string{"curl", "-H", "Authorization: Bearer " + tok, "https://x"}, "cli-auth-header", "Authorization", 31},
		{"curl basic header", []string{"curl", "-H", "Authorization: Basic dXNlcjpTM2NyM3RQYXNzdzByZA==", "https://x"}, "cli-auth-header", "Authorization", 30},
		{"curl x-api-key", []string{"curl", "-H", "X-Api-Key: " + tok, "https://x"}, "cli-auth-header", "X-Api-Key", 20},
		{"curl private-token", []string{"curl", "--header", "PRIVATE-TOKEN: " + tok, "https://gitlab/api"}, "cli-auth-header", "PRIVATE-TOKEN", 30},
		{"wget header glued", []string{"wget", "--header=Authorization: Bearer " + tok, "https://x"}, "cli-auth-header", "Authorization", 37},
		{"wget --password=", []string{"wget", "--password=" + pw, "https://x"}, "cli-password", "--password", 17},
		{"wget --http-password", []string{"wget", "--http-password", pw, "https://x"}, "cli-password", "--http-password", 22},
		{"mysql -pPASS", []string{"mysql", "-u", "root", "-p" + pw, "db"}, "cli-password", "-p", 17},
		{"mysql --password=", []string{"mysqladmin", "--password=" + pw, "status"}, "cli-password", "--password", 23},
		{"docker login -p", []string{"docker", "login", "-u", "bot", "-p", pw, "registry.io"}, "cli-password", "-p", 24},
		{"docker login --password", []string{"docker", "login", "--password", pw}, "cli-password", "--password", 25},
		{"sshpass -p", []string{"sshpass", "-p", pw, "ssh", "host"}, "cli-password", "-p", 12},
		{"npm config set", []string{"npm", "config", "set", "//registry.npmjs.org/:_authToken", tok}, "npm-config-auth", "//registry.npmjs.org/:_authToken", 49},
		{"npm config set =", []string{"npm", "config", "set", "//r.example/:_authToken=" + tok}, "npm-config-auth", "//r.example/:_authToken", 40},
		{"git clone userinfo", []string{"git", "clone", "https://bot:" + pw + "@git.example.com/o/r.git"}, "basic-auth-url", "", 23},
		{"env style word", []string{"env", "API_TOKEN=" + tok, "./run"}, "generic-credential-assignment", "API_TOKEN", 15},
		{"httpie auth", []string{"http", "-a", "alice:" + pw, "example.org"}, "cli-password", "-a", 15},
		{"credential option", []string{"vault-cli", "--api-key", tok}, "cli-credential-option", "--api-key", 21},
		{"credential option glued", []string{"tool", "--token=" + tok}, "cli-credential-option", "--token", 14},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := Default().ScanArgv(tc.argv)
			if len(ms) != 1 {
				t.Fatalf("want one %s match, got %v", tc.rule, ms)
			}
			m := ms[0]
			if m.Rule != tc.rule || m.Key != tc.key || m.Column != tc.col {
				t.Errorf("got %s key=%q col=%d, want %s key=%q col=%d", m.Rule, m.Key, m.Column, tc.rule, tc.key, tc.col)
			}
			assertNoLeak(t, m, pw)
			assertNoLeak(t, m, tok)
		})
	}
	negatives := []struct {
		name string
		argv []string
	}{
		{"curl -u user only", []string{"curl", "-u", "alice", "https://x"}},
		// -o takes the rest of the cluster as its file name: no -u here.
		{"curl -fsou is an output file", []string{"curl", "-fsou", "alice:Zq8xK29vLp4TqW8e", "https://x"}},
		{"curl cluster without u", []string{"curl", "-fsSL", "alice:Zq8xK29vLp4TqW8e"}},
		{"curl -u variables", []string{"curl", "-u", "$USER:$PASS", "https://x"}},
		{"curl -u braced variables", []string{"curl", "-u", "${USER}:${PASS}", "https://x"}},
		{"curl -u placeholder", []string{"curl", "-u", "user:changeme", "https://x"}},
		{"curl bearer variable", []string{"curl", "-H", "Authorization: Bearer $TOKEN", "https://x"}},
		{"curl bearer placeholder", []string{"curl", "-H", "Authorization: Bearer <token>", "https://x"}},
		{"curl ordinary header", []string{"curl", "-H", "Accept: application/json", "https://x"}},
		{"mysql -p prompts", []string{"mysql", "-u", "root", "-p", "mydb"}},
		{"mysql --password prompts", []string{"mysql", "--password", "mydb"}},
		{"mysql -p variable", []string{"mysql", "-p$MYSQL_ROOT_PASSWORD"}},
		{"docker login stdin", []string{"docker", "login", "--password-stdin", "-u", "bot"}},
		{"docker run -p is a port", []string{"docker", "run", "-p", "8080:80", "nginx"}},
		{"wget --user", []string{"wget", "--user", "alice", "https://x"}},
		{"url without password", []string{"git", "clone", "https://alice@github.com/o/r.git"}},
		{"url with variable", []string{"git", "clone", "https://x:${TOKEN}@github.com/o/r.git"}},
		{"env style variable", []string{"env", "TOKEN=$TOKEN", "./run"}},
		{"env style placeholder", []string{"make", "TOKEN=xxx"}},
		{"token file option", []string{"tool", "--token-file", "/run/secrets/t"}},
		{"option naming a secret file", []string{"mtproto-proxy", "--aes-pwd", "proxy-secret", "proxy.conf"}},
		{"gpg key id, shell-quoted word", []string{"key='B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8'"}},
		{"sshpass -e", []string{"sshpass", "-e", "ssh", "host"}},
		{"npm config set registry", []string{"npm", "config", "set", "registry", "https://r.example/"}},
		{"npm token variable", []string{"npm", "config", "set", "//r/:_authToken", "${NPM_TOKEN}"}},
		{"empty", nil},
	}
	for _, tc := range negatives {
		t.Run("negative "+tc.name, func(t *testing.T) {
			if ms := Default().ScanArgv(tc.argv); len(ms) != 0 {
				t.Errorf("want no match, got %v", ms)
			}
		})
	}
}

func TestDockerAuthNeedsUserPassword(t *testing.T) {
	if dockerAuthOK(randFrom(alnum, 24, 3), "") {
		t.Error("random base64 without user:password accepted")
	}
	if dockerAuthOK("dXNlcjpjaGFuZ2VtZQ==", "") { // user:changeme
		t.Error("placeholder password accepted")
	}
	if !dockerAuthOK("dXNlcjpTM2NyM3RQYXNzdzByZA==", "") {
		t.Error("user:S3cr3tPassw0rd rejected")
	}
}

func TestDedupeKeepsSpecificRule(t *testing.T) {
	text := "ENV GITHUB_TOKEN=" + "ghp_" + randFrom(alnum, 36, 51) + "\n"
	ms := Default().ScanText(text)
	if len(ms) != 1 || ms[0].Rule != "github-pat" || ms[0].Key != "GITHUB_TOKEN" || ms[0].Column != 18 {
		t.Errorf("want one github-pat match keyed GITHUB_TOKEN at col 18, got %+v", ms)
	}
	// A private key is found by both gitleaks' rule and hardline's; one remains.
	ms = Default().ScanText("x\n" + pemKey("RSA PRIVATE KEY"))
	if len(ms) != 1 || ms[0].Rule != "private-key" || ms[0].Line != 2 || ms[0].Column != 1 {
		t.Errorf("want one private-key match at 2:1, got %+v", ms)
	}
}

func TestMaskFingerprintPlaceholder(t *testing.T) {
	for in, want := range map[string]string{
		"AKIAABCDEFGHIJKLMNOP": "AKIA…(20 chars)",
		"abcdefg":              "a…(7 chars)",
		"abc":                  "…(3 chars)",
		"":                     "…(0 chars)",
		"pässwörd1":            "pä…(9 chars)",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
	if a, b := Fingerprint("s3cret"), Fingerprint("s3cret"); a != b || len(a) != 16 {
		t.Errorf("Fingerprint not stable/16 chars: %q %q", a, b)
	}
	if Fingerprint("a") == Fingerprint("b") {
		t.Error("Fingerprint collides on different values")
	}
	for _, v := range []string{"", "changeme", "xxx", "XXXXXXXX", "<token>", "your-api-key", "example", "dummy", "test", "none",
		"null", "****", "REPLACE_ME", "${TOKEN}", "$TOKEN", "{{ .Values.token }}", "%TOKEN%", "@TOKEN@"} {
		if !IsPlaceholder(v) {
			t.Errorf("IsPlaceholder(%q) = false", v)
		}
	}
	for _, v := range []string{"S3cr3tPassw0rd!", "k3J9sLw2Qp8ZxT4v", "ghp_" + randFrom(alnum, 36, 61)} {
		if IsPlaceholder(v) {
			t.Errorf("IsPlaceholder(%q) = true", v)
		}
	}
}

func TestLineColumnMultiline(t *testing.T) {
	tok := "glpat-" + randFrom(alnum, 20, 71)
	text := "line one\n\tline two ü\n  export X=" + tok + "\n"
	ms := Default().ScanText(text)
	if len(ms) != 1 || ms[0].Line != 3 || ms[0].Column != 12 {
		t.Fatalf("want gitlab-pat at 3:12, got %+v", ms)
	}
	// Columns count characters, not bytes.
	ms = Default().ScanText("ü " + tok)
	if len(ms) != 1 || ms[0].Column != 3 {
		t.Fatalf("want column 3 after a two-byte rune, got %+v", ms)
	}
}
