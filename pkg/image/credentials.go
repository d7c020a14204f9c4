package image

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
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
	}
	switch path.Ext(base) {
	case ".pem", ".key", ".p8":
		return "private-key"
	}
	return ""
}

// credentialFiles checks every captured credential file of every layer,
// hidden ones included: a key deleted by a later layer still ships.
func (b *builder) credentialFiles() {
	for _, l := range b.layers {
		for _, e := range l.Entries {
			if e.Type != walk.File {
				continue
			}
			kind := credentialKind(e.Path)
			if kind == "" {
				continue
			}
			if e.Size > maxCredentialFile {
				b.doc.Skipped = append(b.doc.Skipped, Skipped{Path: e.Path, Layer: e.Layer, Reason: fmt.Sprintf("named like a credential file (%s) but larger than %d bytes; not checked", kind, maxCredentialFile)})
				continue
			}
			if e.Content == nil {
				continue
			}
			m := b.checkCredential(kind, e.Content)
			vals := b.take()
			if m == nil {
				continue
			}
			removed := -1
			if by, ok := b.hiddenBy[e]; ok {
				removed = by
			}
			b.doc.CredentialFiles = append(b.doc.CredentialFiles, CredentialFile{
				Path: e.Path, Kind: kind, Layer: e.Layer, RemovedIn: removed, Package: b.owner[e.Path], Secret: *m,
			})
			b.addSecret(Secret{Match: *m, Source: "file", Path: e.Path, History: -1, Layer: e.Layer, RemovedIn: removed}, vals)
		}
	}
	sort.SliceStable(b.doc.CredentialFiles, func(i, j int) bool {
		x, y := b.doc.CredentialFiles[i], b.doc.CredentialFiles[j]
		if x.Layer != y.Layer {
			return x.Layer < y.Layer
		}
		return x.Path < y.Path
	})
}

// checkCredential returns the strongest credential in a credential file,
// or nil when it holds none (a public key, a config with only a
// credsStore, an .npmrc that reads ${NPM_TOKEN}).
func (b *builder) checkCredential(kind string, data []byte) *secrets.Match {
	text := string(data)
	switch kind {
	case "ssh-private-key", "private-key":
		for _, m := range b.det.ScanText(text) {
			if strings.Contains(m.Rule, "private-key") {
				return &m
			}
		}
		return nil
	case "docker-config-auth":
		return b.dockerAuth(data)
	case "git-credentials":
		return b.urlCredentials(text)
	case "netrc":
		return b.netrc(text)
	}
	// INI-like files (.aws/credentials, .npmrc, .pypirc): a provider token
	// anywhere, else a credential-named key with a real value.
	if ms := b.det.ScanText(text); len(ms) > 0 {
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
			if m := b.det.CheckValue(key, v); m != nil {
				return m
			}
			m := manualMatch(kind, "credential in "+kind, key, v)
			b.collected = append(b.collected, v)
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

func (b *builder) dockerAuth(data []byte) *secrets.Match {
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
			b.collected = append(b.collected, v)
			m := manualMatch("docker-config-auth", "Docker registry credentials", h, v)
			return &m
		}
	}
	return nil
}

func (b *builder) urlCredentials(text string) *secrets.Match {
	for _, line := range strings.Split(text, "\n") {
		u, err := url.Parse(strings.TrimSpace(line))
		if err != nil || u.User == nil {
			continue
		}
		if pw, ok := u.User.Password(); ok && pw != "" && !placeholder(pw) {
			b.collected = append(b.collected, pw)
			m := manualMatch("git-credentials", "Git credential store entry", u.Host, pw)
			return &m
		}
	}
	return nil
}

func (b *builder) netrc(text string) *secrets.Match {
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
			b.collected = append(b.collected, pw)
			m := manualMatch("netrc", ".netrc password", host, pw)
			return &m
		}
	}
	return nil
}
