package secrets

import (
	"strings"
	"testing"
)

// TestProviderRules checks a selection of gitleaks provider rules through
// the whole engine (prefilter, anchoring, entropy, allowlists, dedupe).
func TestProviderRules(t *testing.T) {
	jwt := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + "." + "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ" + "." + randFrom(alnum+"_-", 43, 12)
	tests := []struct {
		name, text, rule, secret string
	}{
		{"aws access key id", "aws_access_key_id = " + "AKIA" + randFrom(upperB32, 16, 1), "aws-access-token", ""},
		{"github pat", "TOKEN=" + "ghp_" + randFrom(alnum, 36, 2), "github-pat", ""},
		{"github fine-grained pat", "git clone https://x:" + "github_pat_" + randFrom(alnum+"_", 82, 3) + "@github.com/o/r", "github-fine-grained-pat", ""},
		{"gitlab pat", "export GL=" + "glpat-" + randFrom(alnum, 20, 4), "gitlab-pat", ""},
		{"slack bot token", "SLACK=" + "xoxb-" + "1234567890" + "-" + "9876543210" + "-" + randFrom(alnum, 24, 5), "slack-bot-token", ""},
		{"slack webhook", "curl -X POST " + "https://hooks.slack.com/services/" + "T0" + randFrom(alnum, 7, 6) + "/B0" + randFrom(alnum, 7, 7) + "/" + randFrom(alnum, 24, 8), "slack-webhook-url", ""},
		{"stripe", `STRIPE="` + "sk_live_" + randFrom(alnum, 24, 9) + `"`, "stripe-access-token", ""},
		{"npm token", "//registry.npmjs.org/:_authToken=" + "npm_" + randFrom(lowerAN, 36, 10), "npm-access-token", ""},
		{"pypi token", "password = " + "pypi-AgEIcHlwaS5vcmc" + randFrom(alnum+"_-", 80, 11), "pypi-upload-token", ""},
		{"google api key", "key=" + "AIza" + randFrom(alnum+"_-", 35, 13), "gcp-api-key", ""},
		{"sendgrid", "SENDGRID=" + "SG." + randFrom(alnum, 22, 14) + "." + randFrom(alnum, 43, 15), "sendgrid-api-token", ""},
		{"twilio api key", "TWILIO=" + "SK" + randFrom(hexLow, 32, 16), "twilio-api-key", ""},
		{"jwt", "Authorization: Bearer " + jwt + "\n", "jwt", jwt},
		{"rsa private key", "RUN echo '" + pemKey("RSA PRIVATE KEY") + "' > /k", "private-key", ""},
		{"openssh private key", pemKey("OPENSSH PRIVATE KEY"), "private-key", ""},
		{"ec private key", pemKey("EC PRIVATE KEY"), "private-key", ""},
		{"dsa private key", pemKey("DSA PRIVATE KEY"), "private-key", ""},
		{"pkcs8 private key", pemKey("PRIVATE KEY"), "private-key", ""},
		{"encrypted private key", pemKey("ENCRYPTED PRIVATE KEY"), "private-key", ""},
		{"pgp private key", pemKey("PGP PRIVATE KEY BLOCK"), "private-key", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := Default().ScanText(tc.text)
			var got *Match
			for i := range ms {
				if ms[i].Rule == tc.rule {
					got = &ms[i]
				}
			}
			if got == nil {
				t.Fatalf("want rule %s, got %v", tc.rule, rules(ms))
			}
			if got.Confidence != ConfidenceHigh {
				t.Errorf("confidence %q, want high", got.Confidence)
			}
			secret := tc.secret
			if secret == "" {
				// The value after the last assignment operator or space.
				secret = tc.text[strings.LastIndexAny(tc.text, "=: ")+1:]
			}
			for _, m := range ms {
				assertNoLeak(t, m, strings.Trim(secret, `"'`))
			}
		})
	}
}

// TestProviderNegatives: look-alikes that gitleaks' allowlists, entropy
// thresholds or hardline's validation must reject.
func TestProviderNegatives(t *testing.T) {
	tests := []struct{ name, text string }{
		{"aws documentation example key", "AKIA" + "IOSFODNN7" + "EXAMPLE"},
		{"low entropy github lookalike", "ghp_" + strings.Repeat("a", 36)},
		{"pem header mentioned in docs", `grep -q "-----BEGIN RSA PRIVATE KEY-----" key.pem && echo ok`},
		{"pem header and footer without body", "-----BEGIN RSA PRIVATE KEY-----\n" + strings.Repeat("# comment line here, not base64 data!\n", 3) + "-----END RSA PRIVATE KEY-----"},
		{"public key", "-----BEGIN PUBLIC KEY-----\n" + randFrom(b64, 64, 1) + "\n-----END PUBLIC KEY-----"},
		{"certificate", "-----BEGIN CERTIFICATE-----\n" + randFrom(b64, 64, 2) + "\n-----END CERTIFICATE-----"},
		{"npm token from variable", `RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc`},
		{"gpg fingerprint env", "ENV GPG_KEYS=B42F6819007F00F88E364FD4036A9C25BF357DD4"},
		{"gpg key variable in script", "key='B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8'; gpg --recv-keys \"$key\""},
		{"sha256 checksum", "ENV PYTHON_SHA256=" + randFrom(hexLow, 64, 3)},
		{"checksum in echo", `echo "` + randFrom(hexLow, 64, 4) + ` *node.tar.xz" | sha256sum -c -`},
		{"version", "ENV NODE_VERSION=20.11.0"},
		{"token file path", "ENV GITHUB_TOKEN_FILE=/run/secrets/github_token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if ms := Default().ScanText(tc.text); len(ms) != 0 {
				t.Errorf("want no match, got %v", ms)
			}
		})
	}
}

// TestWithCollectorSeesExactValues: the collecting view reports the exact
// secret values (so a caller can mask them elsewhere) while Match still
// carries none.
func TestWithCollectorSeesExactValues(t *testing.T) {
	pw := "Qz8" + "vL2mW9xR4tY7"
	var got []string
	d := Default().WithCollector(func(v string) { got = append(got, v) })
	d.CheckValue("DB_PASSWORD", pw)
	d.ScanArgv([]string{"curl", "-u", "admin:" + pw + "x", "https://example.com"})
	d.ScanText("https://bob:" + pw + "y@example.com/repo.git")
	want := []string{pw, pw + "x", pw + "y"}
	if len(got) != len(want) {
		t.Fatalf("collected %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("collected %q, want %q", got, want)
		}
	}
}
