package secrets

import (
	"strings"
	"unicode"
)

// placeholderWords are values (compared case-insensitively, whole value)
// that documentation and templates use instead of a real secret.
var placeholderWords = map[string]bool{
	"test": true, "testing": true, "none": true, "null": true, "nil": true,
	"undefined": true, "empty": true, "unset": true, "default": true,
	"secret": true, "secrets": true, "password": true, "passwd": true,
	"pass": true, "pwd": true, "token": true, "apikey": true, "api_key": true,
	"key": true, "changeit": true, "example": true, "sample": true,
	"dummy": true, "fake": true, "foo": true, "bar": true, "foobar": true,
	"baz": true, "xxx": true, "tbd": true, "todo": true, "fixme": true,
	"redacted": true, "masked": true, "hidden": true, "notset": true,
	"not-set": true, "not_set": true, "na": true, "n/a": true,
	"mysecretpassword": true, "mypassword": true, "supersecret": true,
	"yoursecret": true, "yourpassword": true, "yourtoken": true,
}

// placeholderParts mark a value as a placeholder when they occur anywhere
// in it (lower-cased): "your-api-key-here", "REPLACE_ME", "<token>", ….
var placeholderParts = []string{
	"changeme", "change_me", "change-me", "change.me", "changethis",
	"replaceme", "replace_me", "replace-me", "replace_with", "replace-with",
	"your_", "your-", "yourapikey", "<", ">", "xxxx", "****", "....", "…",
	"example", "dummy", "placeholder", "redacted", "insert_", "insert-",
	"_here", "-here", "sample", "fixme", "todo:", "notarealsecret",
	"not-a-real", "not_a_real", "fake_", "fake-", "test_", "test-", "-test",
	"_test", "my_secret", "my-secret", "mysecret", "secret_key_here",
	"0000000000", "1234567890", "abcdefgh",
}

// IsPlaceholder reports whether value is obviously not a real secret: an
// empty or templated value, a variable reference, a well-known stand-in
// ("changeme", "<token>", "your-api-key", "****", "REPLACE_ME", "example",
// "dummy", "test", "none", …) or a run of one repeated character.
func IsPlaceholder(value string) bool {
	v := strings.TrimSpace(trimQuotes(value))
	if v == "" {
		return true
	}
	if isVariableRef(v) {
		return true
	}
	l := strings.ToLower(v)
	if placeholderWords[l] {
		return true
	}
	for _, p := range placeholderParts {
		if strings.Contains(l, p) {
			return true
		}
	}
	if isRepeated(l) {
		return true
	}
	// Templating syntaxes: {{ .Token }}, %TOKEN%, @TOKEN@, ${{ secrets.X }}.
	if strings.Contains(v, "{{") || (len(v) > 2 && (v[0] == '%' && v[len(v)-1] == '%' || v[0] == '@' && v[len(v)-1] == '@')) {
		return true
	}
	return false
}

func isRepeated(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

func trimQuotes(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// isVariableRef reports values that are (or contain) shell/Dockerfile
// variable references or command substitutions: "$X", "${X}",
// "${X:-default}", "$(cat /run/secrets/x)", "`cmd`". Such values are
// resolved at build or run time; the literal is not the secret. A default
// that itself looks like a secret ("${X:-s3cr3t…}") is handled by the
// caller through defaultOf.
func isVariableRef(v string) bool {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '$':
			if i+1 < len(v) && (v[i+1] == '{' || v[i+1] == '(' || v[i+1] == '_' || isAlpha(v[i+1])) {
				return true
			}
		case '`':
			return true
		}
	}
	return false
}

// defaultOf returns the literal default of a "${NAME:-default}" or
// "${NAME-default}" value, if the whole value is such an expansion.
func defaultOf(v string) (string, bool) {
	if !strings.HasPrefix(v, "${") || !strings.HasSuffix(v, "}") {
		return "", false
	}
	body := v[2 : len(v)-1]
	i := 0
	for i < len(body) && (body[i] == '_' || isAlpha(body[i]) || body[i] >= '0' && body[i] <= '9') {
		i++
	}
	rest := body[i:]
	switch {
	case strings.HasPrefix(rest, ":-"), strings.HasPrefix(rest, ":="):
		return rest[2:], true
	case strings.HasPrefix(rest, "-"), strings.HasPrefix(rest, "="):
		return rest[1:], true
	}
	return "", false
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// looksLikeNonSecret covers values that are clearly not credentials whatever
// the key says: paths, URLs without credentials, booleans, numbers and
// version strings.
func looksLikeNonSecret(v string) bool {
	l := strings.ToLower(v)
	switch l {
	case "true", "false", "yes", "no", "on", "off", "enabled", "disabled", "enable", "disable", "required", "optional":
		return true
	}
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../") ||
		strings.HasPrefix(v, "~/") || (len(v) > 2 && isAlpha(v[0]) && v[1] == ':' && (v[2] == '\\' || v[2] == '/')) {
		return true
	}
	if i := strings.Index(v, "://"); i > 0 {
		// A URL: only its userinfo password would be a secret, and that is
		// reported by the basic-auth-url rule.
		return true
	}
	// Numbers and versions: 1, 3.14, 20.11.0, 1.2.3-r0, v2.
	digits, other := 0, 0
	for _, c := range strings.TrimPrefix(l, "v") {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == '-' || c == '_' || c == '+':
		default:
			other++
		}
	}
	return digits > 0 && other == 0
}

// charClasses counts lower, upper, digit and other character classes.
func charClasses(v string) int {
	var lo, up, di, ot bool
	for _, c := range v {
		switch {
		case unicode.IsLower(c):
			lo = true
		case unicode.IsUpper(c):
			up = true
		case unicode.IsDigit(c):
			di = true
		default:
			ot = true
		}
	}
	n := 0
	for _, b := range []bool{lo, up, di, ot} {
		if b {
			n++
		}
	}
	return n
}

// secretLike is the value test behind hardline's context rules: not a
// placeholder, variable, path, URL, number or short word, and complex
// enough to be a password or token. "password" or "mysecretpassword" fail,
// "S3cr3tPassw0rd!" passes.
func secretLike(v string) bool {
	v = strings.TrimSpace(trimQuotes(v))
	if len([]rune(v)) < 8 || IsPlaceholder(v) || looksLikeNonSecret(v) || namesACredential(v) {
		return false
	}
	if strings.ContainsAny(v, " \t\n") {
		return false // prose, option lists, not a single credential
	}
	if charClasses(v) >= 2 && shannonEntropy(v) >= 2.5 {
		return true
	}
	return len(v) >= 16 && shannonEntropy(v) >= 3.5
}

// credentialWords are key words that make a name credential-like on their
// own; keyQualifiers turn a following "key" into one ("API_KEY",
// "ACCESS_KEY", "PRIVATE_KEY").
var (
	credentialWords = map[string]bool{
		"password": true, "passwd": true, "passphrase": true, "pwd": true,
		"pass": true, "secret": true, "token": true, "apikey": true,
		"credential": true, "credentials": true, "creds": true, "auth": true,
		"authtoken": true, "accesstoken": true, "accesskey": true,
		"secretkey": true, "privatekey": true, "clientsecret": true,
		"bearer": true, "pat": true,
	}
	keyQualifiers = map[string]bool{
		"api": true, "access": true, "secret": true, "private": true,
		"encryption": true, "signing": true, "master": true, "license": true,
		"licence": true, "app": true, "service": true, "account": true,
		"ssh": true, "session": true, "jwt": true, "auth": true, "client": true,
		"hmac": true, "crypt": true, "cipher": true, "storage": true,
	}
	// Words that make a credential-looking name describe something else:
	// where a secret lives, its policy or metadata, or a public artefact.
	nonSecretWords = map[string]bool{
		"file": true, "files": true, "path": true, "dir": true, "directory": true,
		"url": true, "uri": true, "endpoint": true, "host": true, "port": true,
		"length": true, "len": true, "min": true, "max": true, "size": true,
		"enabled": true, "enable": true, "disable": true, "disabled": true,
		"type": true, "mode": true, "version": true, "policy": true,
		"expiry": true, "expires": true, "expiration": true, "ttl": true,
		"timeout": true, "format": true, "id": true, "ids": true, "name": true,
		"names": true, "user": true, "username": true, "header": true,
		"hash": true, "required": true, "count": true, "prefix": true,
		"suffix": true, "location": true, "ref": true, "env": true,
		"var": true, "field": true, "param": true, "public": true, "pub": true,
		"gpg": true, "pgp": true, "fingerprint": true, "sha": true,
		"sha1": true, "sha256": true, "sha512": true, "md5": true,
		"checksum": true, "sum": true, "digest": true, "dummy": true,
		"stdin": true, "command": true, "cmd": true, "script": true,
		"provider": true, "method": true, "backend": true, "store": true,
		"manager": true, "helper": true, "rotation": true, "refresh": true,
		"interval": true, "algorithm": true, "alg": true, "scheme": true,
		"realm": true, "server": true, "mount": true,
		"secretsmanager": true, "arn": true, "region": true, "label": true,
	}
)

// splitKey splits an identifier into lower-case words at _, -, ., spaces
// and camelCase boundaries: "dbPassword" -> [db password].
func splitKey(key string) []string {
	var words []string
	var cur []rune
	rs := []rune(key)
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if i > 0 && unicode.IsUpper(r) && len(cur) > 0 {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// IsCredentialKey reports whether a variable, option or header name looks
// like it holds a credential: PASSWORD, DB_PASSWD, API_KEY, apiKey,
// GITHUB_TOKEN, CLIENT_SECRET, X-Auth-Token, --api-key. Names that merely
// mention a credential (PASSWORD_FILE, TOKEN_URL, PASSWORD_MIN_LENGTH,
// GPG_KEYS, AUTH_TYPE) or contain it inside another word (KEYBOARD,
// TOKENIZER_PATH, AUTHOR) do not count.
func IsCredentialKey(key string) bool {
	words := splitKey(key)
	if len(words) == 0 {
		return false
	}
	l := strings.ToLower(key)
	if l == "pwd" || l == "oldpwd" { // shell working-directory variables
		return false
	}
	cred := false
	for i, w := range words {
		if nonSecretWords[w] {
			return false
		}
		switch {
		case credentialWords[w]:
			cred = true
		case (w == "key" || w == "keys") && i > 0 && keyQualifiers[words[i-1]]:
			cred = true
		case w == "key" && len(words) == 1:
			cred = true
		case hasCredSuffix(w):
			cred = true
		}
	}
	return cred
}

// hasCredSuffix catches run-together names such as MYSQLPASSWORD or
// githubtoken; prefixes are not enough (TOKENIZER, PASSPORT, AUTHOR).
func hasCredSuffix(w string) bool {
	for _, s := range []string{"password", "passwd", "secret", "token", "apikey", "accesskey", "secretkey", "privatekey"} {
		if len(w) > len(s) && strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

// weakKeyHash reports a bare "key"/"keys" name holding a digest-length hex
// string: in Dockerfiles that is a GPG fingerprint or checksum
// (key='B97B0AFC…' before "gpg --recv-keys"), not a secret. Names with a
// real credential word (SECRET_KEY, API_KEY) keep their hex values.
func weakKeyHash(key, v string) bool {
	if !isHex(v) {
		return false
	}
	switch len(v) {
	case 16, 32, 40, 56, 64, 96, 128:
	default:
		return false
	}
	words := splitKey(key)
	for _, w := range words {
		if w != "key" && w != "keys" && w != "id" {
			return false
		}
	}
	return true
}

// namesACredential reports values such as "proxy-secret", "db_password" or
// "api-key.txt" that name a credential (a file, a secret id, a mount)
// rather than being one: a word of the value is itself a credential word.
func namesACredential(v string) bool {
	// Split on separators only: camelCase splitting would find "Key" or
	// "Pass" inside random tokens.
	words := strings.FieldsFunc(strings.ToLower(v), func(r rune) bool {
		return r == '-' || r == '_' || r == '.' || r == '/' || r == ' ' || r == ':'
	})
	for _, w := range words {
		if credentialWords[w] || w == "key" || w == "keys" {
			return true
		}
	}
	return false
}
