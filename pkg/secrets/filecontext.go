package secrets

import (
	"path"
	"strings"
	"unicode"
)

// File context for the detector's context-based (medium-confidence)
// matches.
//
// The generic rules judge NAME=value and "name: value" by the name and the
// value's shape, which suits Dockerfiles, scripts and configuration. In
// program source, the same shape is mostly code: `key = self._lookup(k)`,
// `token = Token(kind)`, `password = getpass()`, `encryptionKey: "decryptionKey"`.
// Provider formats and private keys (high confidence) are kept as they are;
// a medium-confidence match in file content is kept only when the text
// around it still reads as a credential. The value is used here and
// dropped.

// codeExt are extensions of program source, where an unquoted value is an
// expression rather than a literal. Shell scripts are not in the list: an
// unquoted shell value is a literal.
var codeExt = map[string]bool{
	".py": true, ".pyi": true, ".js": true, ".mjs": true, ".cjs": true, ".jsx": true,
	".ts": true, ".mts": true, ".cts": true, ".tsx": true, ".go": true, ".java": true,
	".kt": true, ".kts": true, ".scala": true, ".groovy": true, ".rb": true, ".php": true,
	".c": true, ".h": true, ".cc": true, ".cpp": true, ".cxx": true, ".hpp": true,
	".hh": true, ".cs": true, ".rs": true, ".swift": true, ".m": true, ".mm": true,
	".pl": true, ".pm": true, ".lua": true, ".dart": true, ".ex": true, ".exs": true,
	".erl": true, ".clj": true, ".fs": true, ".vb": true, ".jl": true, ".zig": true,
	".vue": true, ".svelte": true,
}

// PlausibleInFile reports whether match m of value, found on line of the
// file at p, is kept: callers scanning file content drop the rest (the
// value is only used here, never kept).
func PlausibleInFile(p string, m Match, value, line string) bool {
	if m.Confidence == ConfidenceHigh || value == "" || strings.ContainsAny(value, "\n") {
		return true
	}
	// The name and the value on different lines ("… key exchange
	// mechanisms:\nSecP256r1MLKEM768"): a sentence, not an assignment.
	if m.Key != "" && !strings.Contains(line, m.Key) {
		return false
	}
	if constantName(value) || namesCredential(value) || structured(value) || identifierPath(value) || lowerWords(value) {
		return false
	}
	if nonCredentialKey(m.Key) {
		return false
	}
	// A bare "key" is any dictionary's or grammar's key: its value must
	// look random (lower, upper and digits or symbols), not like a word.
	if k := strings.ToLower(strings.Trim(m.Key, `.-_"'`)); (k == "key" || k == "keys") && charClasses(value) < 3 {
		return false
	}
	if codeExt[strings.ToLower(path.Ext(p))] {
		i := strings.Index(line, value)
		if i < 0 || !inString(line[:i]) {
			return false
		}
	}
	return true
}

// constantName reports ALL_CAPS_NAMES with an underscore (macro and
// constant names such as COPHH_KEY_UTF8), optionally followed by "=".
func constantName(v string) bool {
	v = strings.TrimSuffix(v, "=")
	if !strings.Contains(v, "_") || strings.HasPrefix(v, "_") && strings.HasSuffix(v, "_") {
		return false
	}
	letters := 0
	for _, c := range v {
		switch {
		case c >= 'A' && c <= 'Z':
			letters++
		case c >= '0' && c <= '9', c == '_':
		default:
			return false
		}
	}
	return letters >= 3
}

// structured reports values holding code or markup rather than a
// credential: brackets and braces (format strings, regular expressions,
// templates), a comma, or an "=" before the end (key=value lists; base64
// padding is at the end).
func structured(v string) bool {
	if strings.ContainsAny(v, "(){}[],") {
		return true
	}
	i := strings.IndexByte(v, '=')
	return i >= 0 && strings.TrimRight(v[i:], "=") != ""
}

// identifierPath reports dotted paths of identifiers (self.config,
// jwt.decode, resourceQuery.type): attribute access, not a credential.
func identifierPath(v string) bool {
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if p == "" || !(p[0] == '_' || p[0] >= 'a' && p[0] <= 'z' || p[0] >= 'A' && p[0] <= 'Z') {
			return false
		}
		for i := 0; i < len(p); i++ {
			c := p[i]
			if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}

// lowerWords reports lower-case words joined by "_" or "-" without digits
// (not_supported, no_information): enum values and identifiers.
func lowerWords(v string) bool {
	if !strings.ContainsAny(v, "_-") {
		return false
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// nonCredentialKey reports names of tokens that are not credentials:
// pagination (NextToken, ContinuationToken, page_token), idempotency
// (ClientToken, ChangeToken, RequestToken) and anti-forgery tokens.
func nonCredentialKey(key string) bool {
	for _, w := range identWords(key) {
		switch w {
		case "next", "page", "paging", "pagination", "continuation", "cursor", "marker",
			"change", "idempotency", "request", "purchase", "csrf", "xsrf", "lifecycle":
			return true
		}
	}
	return false
}

// identCredentialWords name credentials; a value made of identifier words one
// of which is among them (accessToken, encryptionKey1024, db_password)
// names a credential instead of being one.
var identCredentialWords = map[string]bool{
	"key": true, "keys": true, "token": true, "tokens": true, "secret": true, "secrets": true,
	"password": true, "passwd": true, "passphrase": true, "auth": true, "credential": true,
	"credentials": true, "creds": true, "apikey": true,
}

func namesCredential(v string) bool {
	for _, c := range v {
		if !(c == '_' || c == '-' || c == '.' || unicode.IsLetter(c) || unicode.IsDigit(c)) {
			return false
		}
	}
	for _, w := range identWords(v) {
		if identCredentialWords[w] {
			return true
		}
	}
	return false
}

// identWords splits an identifier at separators, camelCase boundaries and
// letter–digit boundaries, lower-cased: "NewEncapsulationKey768" → new
// encapsulation key 768.
func identWords(v string) []string {
	var words []string
	rs := []rune(v)
	start := 0
	flush := func(end int) {
		if end > start {
			words = append(words, strings.ToLower(string(rs[start:end])))
		}
		start = end
	}
	for i, r := range rs {
		if r == '_' || r == '-' || r == '.' {
			flush(i)
			start = i + 1
			continue
		}
		if i == start {
			continue
		}
		prev := rs[i-1]
		switch {
		case unicode.IsUpper(r) && unicode.IsLower(prev),
			unicode.IsDigit(r) != unicode.IsDigit(prev),
			unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
			flush(i)
		}
	}
	flush(len(rs))
	return words
}

// inString reports whether the text after prefix is inside a string
// literal: an odd number of unescaped quotes of one kind precede it.
func inString(prefix string) bool {
	var q byte
	for i := 0; i < len(prefix); i++ {
		c := prefix[i]
		switch {
		case c == '\\' && q != 0:
			i++
		case q == 0 && (c == '"' || c == '\'' || c == '`'):
			q = c
		case c == q:
			q = 0
		}
	}
	return q != 0
}
