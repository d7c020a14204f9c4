package image

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hardline-dev/hardline/pkg/secrets"
)

// Checks for credential files whose format says where the credential is:
// kubeconfig users, Google Cloud and Azure CLI credential stores,
// service-account keys and .env files. A value that is empty, a variable
// reference, a path, a URL without a password or a placeholder is not a
// credential.

// plainCredential reports whether v, found where a format keeps a
// credential, is one: not empty, a placeholder, a variable, a path or a URL.
func plainCredential(v string) bool {
	v = strings.TrimSpace(v)
	return len(v) >= 6 && !placeholder(v) && !secrets.IsPlaceholder(v) && !strings.ContainsAny(v, " \t\r\n") &&
		!strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "./") && !strings.HasPrefix(v, "~/") && !strings.Contains(v, "://")
}

// matchAt is manualMatch located at a line and column of the file.
func matchAt(rule, desc, key, v string, line, col int) *secrets.Match {
	m := manualMatch(rule, desc, key, v)
	m.Line, m.Column = max(line, 1), max(col, 1)
	return &m
}

// lineCol locates the first occurrence of needle in text (1, 1 when absent).
func lineCol(text, needle string) (int, int) {
	i := strings.Index(text, needle)
	if i < 0 || needle == "" {
		return 1, 1
	}
	ls := strings.LastIndexByte(text[:i], '\n') + 1
	return 1 + strings.Count(text[:i], "\n"), i - ls + 1
}

// kubeconfig returns the first credential of the users section: a token,
// a password, a client key (client-key-data) or an auth-provider's tokens.
// Cluster CA data and client certificates are public.
func (c checker) kubeconfig(data []byte) *secrets.Match {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	users := yamlGet(doc.Content[0], "users")
	if users == nil || users.Kind != yaml.SequenceNode {
		return nil
	}
	for _, u := range users.Content {
		user := yamlGet(u, "user")
		if user == nil || user.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(user.Content); i += 2 {
			k, v := user.Content[i].Value, user.Content[i+1]
			switch k {
			case "token", "password":
				if m := c.kubeValue(k, v); m != nil {
					return m
				}
			case "client-key-data":
				if v.Kind != yaml.ScalarNode {
					continue
				}
				dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v.Value))
				if err != nil || !strings.Contains(string(dec), "PRIVATE KEY") {
					continue
				}
				c.collect(v.Value)
				c.collect(string(dec))
				return matchAt("kubeconfig-client-key", "Kubernetes client private key in a kubeconfig", k, v.Value, v.Line, v.Column)
			case "auth-provider":
				cfg := yamlGet(v, "config")
				if cfg == nil || cfg.Kind != yaml.MappingNode {
					continue
				}
				for j := 0; j+1 < len(cfg.Content); j += 2 {
					switch ck := cfg.Content[j].Value; ck {
					case "id-token", "refresh-token", "access-token", "client-secret":
						if m := c.kubeValue(ck, cfg.Content[j+1]); m != nil {
							return m
						}
					}
				}
			}
		}
	}
	return nil
}

func (c checker) kubeValue(key string, v *yaml.Node) *secrets.Match {
	if v.Kind != yaml.ScalarNode {
		return nil
	}
	if m := c.det.CheckValue(key, v.Value); m != nil {
		m.Line, m.Column = v.Line, v.Column
		return m
	}
	if !plainCredential(v.Value) {
		return nil
	}
	c.collect(v.Value)
	return matchAt("kubeconfig-credential", "Kubernetes user credential in a kubeconfig", key, v.Value, v.Line, v.Column)
}

// yamlGet returns the value of key in a mapping node, or nil.
func yamlGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var privateKeyField = regexp.MustCompile(`"private_key"\s*:`)

// serviceAccount recognises a Google Cloud service-account key: JSON with
// "type": "service_account" and a PEM private key.
func (c checker) serviceAccount(data []byte) *secrets.Match {
	var sa struct {
		Type       string `json:"type"`
		PrivateKey string `json:"private_key"`
	}
	if json.Unmarshal(data, &sa) != nil || sa.Type != "service_account" ||
		!strings.Contains(sa.PrivateKey, "PRIVATE KEY-----") || len(sa.PrivateKey) < 100 {
		return nil
	}
	c.collect(sa.PrivateKey)
	if raw, err := json.Marshal(sa.PrivateKey); err == nil {
		c.collect(strings.Trim(string(raw), `"`)) // as written in the file
	}
	line, col := 1, 1
	if loc := privateKeyField.FindIndex(data); loc != nil {
		line, col = lineCol(string(data), string(data[loc[0]:loc[1]]))
	}
	return matchAt("gcp-service-account-key", "Google Cloud service account private key", "private_key", sa.PrivateKey, line, col)
}

// jsonCredential returns the first string value, anywhere in a JSON
// document, under one of keys (compared lower-case; earlier keys are
// preferred) that is a plain credential.
func (c checker) jsonCredential(data []byte, rule, desc string, keys ...string) *secrets.Match {
	var doc any
	if json.Unmarshal(data, &doc) != nil {
		return nil
	}
	rank := map[string]int{}
	for i, k := range keys {
		rank[k] = i
	}
	bestRank, bestKey, best := len(keys), "", ""
	var walkJSON func(v any)
	walkJSON = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			names := make([]string, 0, len(x))
			for k := range x {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				if s, ok := x[k].(string); ok {
					if r, ok := rank[strings.ToLower(k)]; ok && r < bestRank && plainCredential(s) {
						bestRank, bestKey, best = r, k, s
					}
					continue
				}
				walkJSON(x[k])
			}
		case []any:
			for _, e := range x {
				walkJSON(e)
			}
		}
	}
	walkJSON(doc)
	if best == "" {
		return nil
	}
	c.collect(best)
	line, col := lineCol(string(data), best)
	return matchAt(rule, desc, bestKey, best, line, col)
}

// dotenv judges each NAME=value line of a .env file as the detector judges
// an ENV instruction, and returns the strongest credential (the first of
// high confidence, else the first).
func (c checker) dotenv(text string) *secrets.Match {
	var best *secrets.Match
	for i, line := range strings.Split(text, "\n") {
		l := strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if l == "" || l[0] == '#' {
			continue
		}
		l = strings.TrimSpace(strings.TrimPrefix(l, "export "))
		k, v, ok := strings.Cut(l, "=")
		if !ok || !envName(strings.TrimSpace(k)) {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if v[0] != '"' && v[0] != '\'' {
			if j := strings.Index(v, " #"); j >= 0 { // KEY=value # comment
				v = strings.TrimSpace(v[:j])
			}
		}
		m := c.det.CheckValue(k, v)
		if m == nil {
			continue
		}
		col := strings.Index(line, v)
		m.Line, m.Column = i+1, max(col, 0)+m.Column
		if best == nil || best.Confidence != secrets.ConfidenceHigh && m.Confidence == secrets.ConfidenceHigh {
			best = m
		}
	}
	return best
}

// envName reports a shell variable name.
func envName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
