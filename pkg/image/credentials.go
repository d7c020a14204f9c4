package image

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/hardline-dev/hardline/pkg/image/walk"
	"github.com/hardline-dev/hardline/pkg/secrets"
)

// maxCredentialFile bounds what is read of a candidate credential file;
// real ones are a few KB, and a larger .pem is a certificate bundle.
const maxCredentialFile = 1 << 20

var sshKeyNames = map[string]bool{
	"id_rsa": true, "id_dsa": true, "id_ecdsa": true, "id_ed25519": true,
	"id_ecdsa_sk": true, "id_ed25519_sk": true, "identity": true,
}

// serviceAccountName matches the names service-account keys are saved
// under (any other .json holding one is found by its content).
var serviceAccountName = regexp.MustCompile(`^service[-_]?account.*\.json$`)

// kubeconfigPath: ~/.kube/config, files named kubeconfig or *.kubeconfig,
// and kubeadm's /etc/kubernetes/*.conf (admin.conf holds a client key).
func kubeconfigPath(p, base string) bool {
	return strings.HasSuffix(p, "/.kube/config") || base == "kubeconfig" || strings.HasSuffix(base, ".kubeconfig") ||
		strings.HasPrefix(p, "/etc/kubernetes/") && path.Dir(p) == "/etc/kubernetes" && path.Ext(base) == ".conf"
}

// isDotenvName reports .env files (.env, .env.production, app.env) that
// are not templates (.env.example, .env.sample …).
func isDotenvName(base string) bool {
	if base != ".env" && !strings.HasPrefix(base, ".env.") && (!strings.HasSuffix(base, ".env") || len(base) == len(".env")) {
		return false
	}
	l := strings.ToLower(base)
	for _, t := range []string{"example", "sample", "template", "dist", "default", "tpl", "schema"} {
		if strings.Contains(l, t) {
			return false
		}
	}
	return true
}

// credentialKind classifies a path as a well-known credential file, or "".
func credentialKind(p string) string {
	base := path.Base(p)
	switch {
	case sshKeyNames[base] && strings.Contains(p, "/.ssh/"), strings.HasPrefix(base, "id_") && sshKeyNames[base]:
		return "ssh-private-key"
	case strings.HasSuffix(p, "/.aws/credentials"):
		return "aws-credentials"
	case base == ".npmrc":
		return "npmrc-token"
	case strings.HasSuffix(p, "/.docker/config.json"):
		return "docker-config-auth"
	case base == ".git-credentials":
		return "git-credentials"
	case base == ".netrc" || base == "_netrc":
		return "netrc"
	case base == ".pypirc":
		return "pypirc"
	case kubeconfigPath(p, base):
		return "kubeconfig"
	case strings.Contains(p, "/gcloud/") && (base == "application_default_credentials.json" || base == "adc.json" && strings.Contains(p, "/legacy_credentials/")):
		return "gcloud-credentials"
	case strings.Contains(p, "/.azure/") && (base == "accessTokens.json" || base == "msal_token_cache.json" || base == "service_principal_entries.json"):
		return "azure-credentials"
	case serviceAccountName.MatchString(strings.ToLower(base)):
		return "gcp-service-account"
	case isDotenvName(base):
		return "dotenv"
	}
	switch path.Ext(base) {
	case ".pem", ".key", ".p8":
		return "private-key"
	}
	return ""
}

// credentialFiles checks every captured credential file of every layer,
// hidden ones included: a key deleted by a later layer still ships. Files
// the content scan recognised as credentials (a service-account key under
// any name) join them.
func (b *builder) credentialFiles() {
	seen := map[string]bool{}
	add := func(e *walk.Entry, layer int, kind string, m *secrets.Match, vals []string) {
		k := fmt.Sprintf("%d\x00%s", layer, e.Path)
		if seen[k] {
			return
		}
		seen[k] = true
		removed := -1
		if by, ok := b.hiddenBy[e]; ok {
			removed = by
		}
		pkg := b.owner[e.Path]
		b.doc.CredentialFiles = append(b.doc.CredentialFiles, CredentialFile{
			Path: e.Path, Kind: kind, Layer: layer, RemovedIn: removed, Package: pkg, Secret: *m,
		})
		b.addSecret(Secret{Match: *m, Source: "file", Path: e.Path, History: -1, Layer: layer, RemovedIn: removed, Package: pkg}, vals)
	}
	done := map[*walk.Layer]bool{}
	for _, l := range b.layers {
		if done[l] {
			continue // layers with the same diff_id are read once
		}
		done[l] = true
		for _, e := range l.Entries {
			if e.Type != walk.File {
				continue
			}
			kind := credentialKind(e.Path)
			if kind == "" || b.skip != nil && b.skip.match(e.Path) {
				continue
			}
			if e.Size > maxCredentialFile {
				b.doc.Skipped = append(b.doc.Skipped, Skipped{Path: e.Path, Layer: l.Index, Reason: fmt.Sprintf("named like a credential file (%s) but larger than %d bytes; not checked", kind, maxCredentialFile)})
				continue
			}
			if e.Content == nil {
				continue
			}
			m := b.chk.check(kind, e.Content)
			vals := b.take()
			if m == nil {
				continue
			}
			add(e, l.Index, kind, m, vals)
		}
		b.contentCredentials(l, func(e *walk.Entry, kind string, m *secrets.Match) {
			add(e, l.Index, kind, m, nil)
		})
	}
	sort.SliceStable(b.doc.CredentialFiles, func(i, j int) bool {
		x, y := b.doc.CredentialFiles[i], b.doc.CredentialFiles[j]
		if x.Layer != y.Layer {
			return x.Layer < y.Layer
		}
		return x.Path < y.Path
	})
}

// checker runs the credential-file checks. det collects what the detector
// finds; collect receives the values the checks find by themselves.
type checker struct {
	det     *secrets.Detector
	collect func(string)
}

// checkCredential returns the strongest credential in a credential file,
// or nil when it holds none (a public key, a config with only a
// credsStore, an .npmrc that reads ${NPM_TOKEN}).
func (c checker) check(kind string, data []byte) *secrets.Match {
	text := string(data)
	switch kind {
	case "ssh-private-key", "private-key":
		for _, m := range c.det.ScanText(text) {
			if strings.Contains(m.Rule, "private-key") {
				return &m
			}
		}
		return nil
	case "docker-config-auth":
		return c.dockerAuth(data)
	case "git-credentials":
		return c.urlCredentials(text)
	case "netrc":
		return c.netrc(text)
	case "kubeconfig":
		return c.kubeconfig(data)
	case "gcp-service-account":
		return c.serviceAccount(data)
	case "gcloud-credentials":
		if m := c.jsonCredential(data, kind, "Google Cloud credentials", "refresh_token"); m != nil {
			return m
		}
		return c.serviceAccount(data)
	case "azure-credentials":
		return c.jsonCredential(data, kind, "Azure CLI credentials", "refreshtoken", "refresh_token", "secret", "client_secret", "accesstoken", "access_token")
	case "dotenv":
		return c.dotenv(text)
	}
	// INI-like files (.aws/credentials, .npmrc, .pypirc): a provider token
	// anywhere, else a credential-named key with a real value.
	if ms := c.det.ScanText(text); len(ms) > 0 {
		return &ms[0]
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), maxCredentialFile)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			k, v, ok = strings.Cut(line, ":")
		}
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.Trim(strings.TrimSpace(v), `"'`)
		if v == "" || placeholder(v) {
			continue
		}
		key := k
		if i := strings.LastIndex(k, ":"); i >= 0 { // //registry.npmjs.org/:_authToken
			key = k[i+1:]
		}
		lk := strings.ToLower(key)
		if lk == "_authtoken" || lk == "_auth" || lk == "_password" || lk == "password" || lk == "aws_secret_access_key" || lk == "aws_session_token" {
			if m := c.det.CheckValue(key, v); m != nil {
				return m
			}
			m := manualMatch(kind, "credential in "+kind, key, v)
			c.collect(v)
			return &m
		}
	}
	return nil
}

// placeholder reports values that name a credential instead of holding
// one: ${NPM_TOKEN}, %(password)s, <token>.
func placeholder(v string) bool {
	return strings.HasPrefix(v, "${") || strings.HasPrefix(v, "$") && !strings.ContainsAny(v[1:], "$") ||
		strings.HasPrefix(v, "%(") || strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">")
}

func manualMatch(rule, desc, key, v string) secrets.Match {
	return secrets.Match{Rule: rule, Description: desc, Masked: secrets.Mask(v), Fingerprint: secrets.Fingerprint(v), Line: 1, Column: 1, Key: key, Confidence: "high"}
}

func (c checker) dockerAuth(data []byte) *secrets.Match {
	var cfg struct {
		Auths map[string]struct {
			Auth          string `json:"auth"`
			Password      string `json:"password"`
			IdentityToken string `json:"identitytoken"`
		} `json:"auths"`
	}
	if json.Unmarshal(data, &cfg) != nil {
		return nil
	}
	hosts := make([]string, 0, len(cfg.Auths))
	for h := range cfg.Auths {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		a := cfg.Auths[h]
		for _, v := range []string{a.Auth, a.Password, a.IdentityToken} {
			if v == "" {
				continue
			}
			if v == a.Auth {
				// auth is base64("user:password"); an empty password is no
				// credential.
				dec, err := base64.StdEncoding.DecodeString(v)
				if err != nil || !strings.Contains(string(dec), ":") || strings.HasSuffix(string(dec), ":") {
					continue
				}
			}
			c.collect(v)
			m := manualMatch("docker-config-auth", "Docker registry credentials", h, v)
			return &m
		}
	}
	return nil
}

func (c checker) urlCredentials(text string) *secrets.Match {
	for _, line := range strings.Split(text, "\n") {
		u, err := url.Parse(strings.TrimSpace(line))
		if err != nil || u.User == nil {
			continue
		}
		if pw, ok := u.User.Password(); ok && pw != "" && !placeholder(pw) {
			c.collect(pw)
			m := manualMatch("git-credentials", "Git credential store entry", u.Host, pw)
			return &m
		}
	}
	return nil
}

func (c checker) netrc(text string) *secrets.Match {
	words := strings.Fields(text)
	host := ""
	for i := 0; i+1 < len(words); i++ {
		switch words[i] {
		case "machine":
			host = words[i+1]
		case "password":
			pw := words[i+1]
			if placeholder(pw) {
				continue
			}
			c.collect(pw)
			m := manualMatch("netrc", ".netrc password", host, pw)
			return &m
		}
	}
	return nil
}

// SecretRuleIDs are the detector rule names image facts give to credentials
// found in well-known files (besides pkg/secrets' own rules), so that
// configuration naming them can be checked.
func SecretRuleIDs() []string {
	return []string{
		"ssh-private-key", "private-key", "aws-credentials", "npmrc-token", "docker-config-auth",
		"git-credentials", "netrc", "pypirc", "kubeconfig", "kubeconfig-client-key", "kubeconfig-credential",
		"gcloud-credentials", "azure-credentials", "gcp-service-account", "gcp-service-account-key", "dotenv",
	}
}
