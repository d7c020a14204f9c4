package secrets

import (
	"encoding/base64"
	"strings"
)

// hardlineRules are format rules for credential carriers that gitleaks'
// default set has no rule for (or only covers through its noisy generic
// rule): URLs with a userinfo password (.git-credentials, DSNs), npm
// _authToken/_auth lines, .pypirc/INI "password =" lines, .netrc entries,
// docker config.json "auth" blobs, AWS credentials files, and PEM private
// keys whose END marker is missing or far away. They run through the same
// keyword prefilter, lazy compilation and window logic as gitleaks rules.
func hardlineRules() []*rule {
	return []*rule{
		{
			id:          "basic-auth-url",
			description: "URL with embedded credentials (userinfo password)",
			// scheme://user:password@host — the password (group 2) is the
			// secret; "https://user@host" carries none.
			// Unbounded classes (lengths are checked in urlPasswordOK):
			// bounded repeats of negated classes compile to huge programs.
			regexSrc:    `(?i)[a-z0-9+.-]{2,16}://([^\s:/?#@'"\x60<>\\]*):([^\s/?#@'"\x60<>\\]+)@[a-z0-9\[_]`,
			secretGroup: 2,
			keywords:    []string{"://"},
			rank:        rankContext,
			confidence:  ConfidenceHigh,
			noKey:       true,
			validate:    urlPasswordOK,
		},
		{
			id:          "piped-password",
			description: "Password piped into a tool that reads it from standard input (chpasswd, passwd --stdin, login --password-stdin)",
			// echo "user:pw" | chpasswd; echo pw | passwd --stdin u;
			// echo pw | docker login --password-stdin. Group 1 is the
			// whole echoed word; pipedPasswordOK takes the part after ":"
			// for chpasswd.
			regexSrc:   `(?:echo|printf)[ \t]+(?:-[ne]+[ \t]+)?['"]?([^'"|\s]+)['"]?[ \t]*\|[ \t]*(?:sudo[ \t]+)?(?:chpasswd|passwd[ \t]+--stdin|\S*[ \t]login\b[^|\n]*--password-stdin)`,
			keywords:   []string{"chpasswd", "--stdin", "--password-stdin"},
			rank:       rankContext,
			confidence: ConfidenceHigh,
			noKey:      true,
			validate:   pipedPasswordOK,
		},
		{
			id:          "npmrc-auth",
			description: "npm registry credential (_authToken/_auth/_password)",
			regexSrc:    `(?i)(?:^|[\s"':])_(?:authToken|auth|password)[ \t]*=[ \t]*["']?([^\s"']+)`,
			keywords:    []string{"_authtoken", "_auth", "_password"},
			rank:        rankContext,
			confidence:  ConfidenceHigh,
			validate:    tokenOK,
		},
		{
			id:          "config-password",
			description: "Password in a configuration file (.pypirc, INI, YAML)",
			regexSrc:    `(?i)[ \t"']*(?:password|passwd)["']?[ \t]*[=:][ \t]*["']?([^\s"'#;,]+)`,
			lineStart:   true,
			keywords:    []string{"password", "passwd"},
			rank:        rankContext,
			confidence:  ConfidenceMedium,
			validate:    func(s, _ string) bool { return secretLike(s) },
		},
		{
			id:          "netrc-password",
			description: "Password in a .netrc entry",
			regexSrc:    `(?i)\bmachine[ \t]+\S+(?:[ \t]+login[ \t]+\S+)?[ \t]+password[ \t]+([^\s'"]+)`,
			keywords:    []string{"machine"},
			rank:        rankContext,
			confidence:  ConfidenceHigh,
			validate:    passwordOK,
		},
		{
			id:          "netrc-password",
			description: "Password in a .netrc entry",
			// Multi-line .netrc layout: "password x" alone on its line.
			regexSrc:   `(?i)[ \t]*password[ \t]+([^\s'"=:]+)[ \t]*(?:\r?\n|\z)`,
			lineStart:  true,
			keywords:   []string{"password"},
			rank:       rankContext,
			confidence: ConfidenceMedium,
			validate:   passwordOK,
		},
		{
			id:          "docker-config-auth",
			description: "Docker registry credential in config.json (auth)",
			regexSrc:    `"auth"[ \t]*:[ \t]*"([A-Za-z0-9+/]{6,}={0,2})"`,
			keywords:    []string{`"auth"`},
			rank:        rankContext,
			confidence:  ConfidenceHigh,
			validate:    dockerAuthOK,
		},
		{
			id:          "aws-secret-access-key",
			description: "AWS secret access key",
			regexSrc:    `(?i)aws_?secret_?access_?key["']?[ \t]*[=:][ \t]*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`,
			keywords:    []string{"aws_secret", "awssecret"},
			rank:        rankContext,
			confidence:  ConfidenceHigh,
			validate: func(s, _ string) bool {
				return !IsPlaceholder(s) && shannonEntropy(s) > 3.5
			},
		},
		{
			id:          ruleAssignment.id,
			description: ruleAssignment.description,
			// NAME=value in scripts and env files (export X=…, make X=…,
			// msiexec PASSWORD=…) and the legacy "ENV NAME value" form; the
			// name must be credential-like and the value secret-like, as for
			// CheckValue. Plain Go: see findAssignments.
			keywords:   assignmentKeywords,
			rank:       rankGeneric,
			confidence: ConfidenceMedium,
			custom:     findAssignments,
			validate:   assignmentOK,
		},
		{
			id:          "private-key-pem",
			description: "PEM/PGP private key block",
			// Header, optional RFC 1421 headers (Proc-Type, DEK-Info) or
			// escaped newlines, then base64 body lines. Unlike gitleaks'
			// private-key rule this needs no END marker, so truncated or
			// echo'd keys are found too; a bare header mentioned in docs is not.
			regexSrc:   `(?i)-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:\\[nr]|[ \t\r\n]|[a-z-]+:[^\n\\]*)*[A-Za-z0-9+/=]{16,}(?:(?:\\[nr]|[ \t\r\n])+[A-Za-z0-9+/=]{16,})*`,
			keywords:   []string{"-----begin"},
			rank:       rankContext,
			confidence: ConfidenceHigh,
			noKey:      true,
			validate:   func(_, m string) bool { return pemBodyOK(m) },
		},
	}
}

// assignmentKeywords are substrings of every credential-like name that
// IsCredentialKey accepts (password, passwd, pwd, secret, token, *key,
// auth, creds/credential, bearer, pat as a separate word).
var assignmentKeywords = []string{"pass", "pwd", "secret", "token", "key", "auth", "cred", "bearer", "pat"}

// assignmentOK re-checks a NAME=value match with the CheckValue logic.
func assignmentOK(secret, match string) bool {
	key := keyOf(match, strings.LastIndex(match, secret))
	if f := strings.Fields(match); key == "" && len(f) >= 2 {
		key = f[1] // "ENV NAME value": the name is the second word
	}
	v := secret
	if d, ok := defaultOf(v); ok {
		v = d
	}
	return IsCredentialKey(key) && secretLike(v) && !weakKeyHash(key, v)
}

// Validators attached to gitleaks rules by id, for precision problems the
// upstream rules have in container contexts.
var gitleaksValidators = map[string]func(secret, match string) bool{
	// gitleaks' private-key pattern accepts any 64 characters between a
	// BEGIN and an END line, e.g. a grep for both markers in a script.
	"private-key": func(_, m string) bool { return pemBodyOK(m) },
	// The pattern's third alternative is any 40-hex string once
	// "sourcegraph" appears anywhere: every SHA-1 checksum and commit of a
	// RUN installing src-cli. Only sgp_ tokens are Sourcegraph's format; a
	// legacy hex token assigned to a credential name is still caught by the
	// generic rules.
	"sourcegraph-access-token": func(s, _ string) bool { return strings.HasPrefix(strings.ToLower(s), "sgp_") },
}

// pemBodyOK requires at least 40 base64 characters (line breaks, literal
// "\n" escapes and RFC 1421 header lines aside) after the BEGIN line.
func pemBodyOK(m string) bool {
	i := strings.Index(m[min(len(m), 10):], "-----")
	if i < 0 {
		return false
	}
	rest := m[min(len(m), 10)+i+5:]
	run := 0
	for j := 0; j < len(rest) && j < 2048; j++ {
		c := rest[j]
		switch {
		case c == '\n' || c == '\r':
			// line breaks do not interrupt the body
		case c == '\\' && j+1 < len(rest) && (rest[j+1] == 'n' || rest[j+1] == 'r'):
			j++
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=':
			run++
			if run >= 40 {
				return true
			}
		default:
			run = 0
		}
	}
	return false
}

// urlPasswordOK rejects variable references, placeholders and default
// credentials where the password repeats the user (postgres:postgres).
func urlPasswordOK(pw, match string) bool {
	if IsPlaceholder(pw) || len(pw) < 4 || len(pw) > 256 {
		return false
	}
	user := match
	if i := strings.Index(user, "://"); i >= 0 {
		user = user[i+3:]
	}
	if i := strings.IndexByte(user, ':'); i >= 0 {
		user = user[:i]
	}
	return len(user) <= 128 && !strings.EqualFold(user, pw)
}

// tokenOK is for values that are tokens by position (npm _authToken):
// anything non-trivial that is not a placeholder or variable.
func tokenOK(s, _ string) bool {
	return len(s) >= 8 && !IsPlaceholder(s) && !looksLikeNonSecret(s) && !namesACredential(s)
}

// passwordOK is the looser test for values in a password position (.netrc):
// short human passwords count, placeholders and variables do not.
func passwordOK(s, _ string) bool {
	return len(s) >= 6 && !IsPlaceholder(s) && !looksLikeNonSecret(s) && shannonEntropy(s) >= 2
}

// dockerAuthOK decodes a docker config "auth" value, which is
// base64("user:password"); anything else is not a registry credential.
func dockerAuthOK(s, _ string) bool {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
			return false
		}
	}
	dec := string(raw)
	i := strings.IndexByte(dec, ':')
	if i < 0 {
		return false
	}
	for _, c := range dec {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	pw := dec[i+1:]
	return len(pw) >= 4 && !IsPlaceholder(pw)
}

// genericValueOK filters gitleaks' generic-api-key hits that are not
// secrets in Dockerfiles and images: placeholders, variable references,
// paths and versions, names that describe metadata (…_FILE, …_URL, …_ID,
// GPG_KEYS) and bare checksums or key fingerprints.
func genericValueOK(secret, match string) bool {
	if IsPlaceholder(secret) || looksLikeNonSecret(secret) {
		return false
	}
	key := keyOf(match, strings.LastIndex(match, secret))
	words := splitKey(key)
	for _, w := range words {
		if nonSecretWords[w] {
			return false
		}
	}
	if isHex(secret) && !IsCredentialKey(key) {
		switch len(secret) {
		case 32, 40, 56, 64, 96, 128:
			// md5/sha1/sha224/sha256/sha384/sha512 digests and 40-digit
			// OpenPGP fingerprints are public identifiers.
			return false
		}
	}
	return true
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '.' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// findAssignments finds NAME=value (and "ENV NAME value") around keyword
// occurrences. A hand-written scanner replaces a regexp here because the
// keyword sits in the middle of the name, which would force an unanchored
// search over the whole input.
func findAssignments(text string, starts []int) [][]int {
	var out [][]int
	done := 0 // end of the last identifier examined: later hits inside it are skipped
	for _, q := range starts {
		if q < done {
			continue
		}
		// Names longer than 64 bytes are not considered; bounding the walk
		// keeps a megabyte-long "identifier" linear.
		l, r := q, q
		for l > 0 && isIdentByte(text[l-1]) && q-l <= 64 {
			l--
		}
		for r < len(text) && isIdentByte(text[r]) && r-q <= 64 {
			r++
		}
		done = r
		if r-l > 64 || !(text[l] == '_' || isAlpha(text[l])) {
			continue
		}
		if l > 0 && !strings.ContainsRune(" \t\n\r;&|(", rune(text[l-1])) {
			continue
		}
		// NAME = value
		p := skipBlanks(text, r)
		if p < len(text) && text[p] == '=' && (p+1 >= len(text) || text[p+1] != '=') {
			if vs, ve, ok := assignedValue(text, skipBlanks(text, p+1), true); ok {
				out = append(out, []int{l, ve, vs, ve})
			}
			continue
		}
		// ENV NAME value / ARG NAME value (whole rest of the line).
		if ls, ok := envInstruction(text, l); ok && p > r {
			if vs, ve, ok := assignedValue(text, p, false); ok {
				if e := skipBlanks(text, ve); e == len(text) || text[e] == '\n' || text[e] == '\r' {
					out = append(out, []int{ls, ve, vs, ve})
				}
			}
		}
	}
	return out
}

// envInstruction reports whether the name at l follows "ENV " or "ARG " at
// the start of its line (leading blanks allowed), and returns the line
// start. It only looks a few bytes back, so it costs O(1) per name.
func envInstruction(text string, l int) (int, bool) {
	i := l
	for i > 0 && l-i < 16 && (text[i-1] == ' ' || text[i-1] == '\t') {
		i--
	}
	if i == l || i < 3 {
		return 0, false
	}
	if w := strings.ToUpper(text[i-3 : i]); w != "ENV" && w != "ARG" {
		return 0, false
	}
	i -= 3
	for i > 0 && l-i < 32 && (text[i-1] == ' ' || text[i-1] == '\t') {
		i--
	}
	if i > 0 && text[i-1] != '\n' {
		return 0, false
	}
	return i, true
}

func skipBlanks(text string, p int) int {
	for p < len(text) && (text[p] == ' ' || text[p] == '\t') {
		p++
	}
	return p
}

// assignedValue returns the span of a quoted or bare value starting at p,
// without its quotes. Bare values stop at shell metacharacters; with
// allowEq false they may not contain "=" (so "ENV A=b C=d" is left to the
// NAME=value form).
func assignedValue(text string, p int, allowEq bool) (int, int, bool) {
	if p >= len(text) {
		return 0, 0, false
	}
	if c := text[p]; c == '"' || c == '\'' {
		end := strings.IndexByte(text[p+1:min(len(text), p+258)], c)
		if end <= 0 || strings.IndexByte(text[p+1:p+1+end], '\n') >= 0 {
			return 0, 0, false
		}
		return p + 1, p + 1 + end, true
	}
	e := p
	for e < len(text) && e-p < 256 {
		c := text[e]
		if c <= ' ' || strings.IndexByte("\"'`;&|()<>", c) >= 0 || (!allowEq && c == '=') {
			break
		}
		e++
	}
	if e == p || (e < len(text) && e-p >= 256 && text[e] > ' ') {
		return 0, 0, false
	}
	return p, e, true
}

// pipedPasswordOK judges the echoed word of piped-password: for chpasswd it
// is "user:password" and only the password counts, which must not just
// repeat the user name (echo 'test:test' | chpasswd).
func pipedPasswordOK(s, match string) bool {
	pw := s
	if strings.Contains(match, "chpasswd") {
		user, p, ok := strings.Cut(s, ":")
		if !ok || p == user {
			return false
		}
		pw = p
	}
	return passwordPositionOK(pw) && !strings.Contains(pw, "$")
}
