package secrets

import (
	"path"
	"strings"
	"unicode/utf8"
)

// Context rules: hardline's own checks where knowing the position of a
// value (the variable it is assigned to, the option it follows) says more
// than any pattern. They are plain Go, not regexps, and never run over
// free text.
var (
	ruleAssignment = &rule{
		id:          "generic-credential-assignment",
		description: "Credential-like value assigned to a credential-named variable",
		rank:        rankGeneric,
		confidence:  ConfidenceMedium,
	}
	ruleCLIPassword = &rule{
		id:          "cli-password",
		description: "Password passed on a command line",
		rank:        rankContext,
		confidence:  ConfidenceHigh,
	}
	ruleCLIHeader = &rule{
		id:          "cli-auth-header",
		description: "Credential in an HTTP authentication header on a command line",
		rank:        rankContext,
		confidence:  ConfidenceHigh,
	}
	ruleCLIOption = &rule{
		id:          "cli-credential-option",
		description: "Credential passed to a credential-named command-line option",
		rank:        rankContext,
		confidence:  ConfidenceMedium,
	}
	ruleNPMConfig = &rule{
		id:          "npm-config-auth",
		description: "npm registry credential set on a command line",
		rank:        rankContext,
		confidence:  ConfidenceHigh,
	}
)

// CheckValue checks the value assigned to an ENV/ARG/LABEL (or env-style
// argument) named key. Provider patterns (ghp_…, AKIA…, private keys, URLs
// with passwords) are reported with high confidence whatever the name; a
// credential-named key (DB_PASSWORD, API_KEY, clientSecret) with a value
// that is not empty, a variable reference, a path, URL, number, short word
// or placeholder is reported as generic-credential-assignment (medium).
// Line and Column locate the secret within value.
func (d *Detector) CheckValue(key, value string) *Match {
	if strings.TrimSpace(value) == "" {
		return nil
	}
	if m := d.providerInValue(key, value); m != nil {
		return m
	}
	if !IsCredentialKey(key) {
		return nil
	}
	v, off := unquote(value)
	if def, ok := defaultOf(v); ok {
		// ${NAME:-literal}: the literal default ships in the image.
		off += strings.Index(v, def)
		v = def
	}
	if !secretLike(v) || weakKeyHash(key, v) {
		return nil
	}
	if d.collect != nil {
		d.collect(v)
	}
	return matchAt(ruleAssignment, value, off, v, key)
}

// providerInValue scans "key=value" so that rules needing the name as
// context (gitleaks' "<provider>…key = value" patterns) can fire, and keeps
// specific matches whose secret lies inside value. Generic and INI-style
// hits are left to the key-aware logic in CheckValue.
func (d *Detector) providerInValue(key, value string) *Match {
	prefix := len(key) + 1
	text := key + "=" + value
	var best *candidate
	for _, c := range dedupe(d.scan(text)) {
		if c.start < prefix || c.r.confidence != ConfidenceHigh {
			continue
		}
		if best == nil || c.r.rank > best.r.rank {
			cc := c
			best = &cc
		}
	}
	if best == nil {
		return nil
	}
	if d.collect != nil {
		d.collect(best.secret)
	}
	return matchAt(best.r, value, best.start-prefix, best.secret, key)
}

// unquote strips one pair of matching quotes and reports the offset of the
// content within the original value.
func unquote(v string) (string, int) {
	if u := trimQuotes(v); len(u) != len(v) {
		return u, 1
	}
	// A lone quote at either end is left over from imperfect splitting;
	// it is not part of the value.
	off := 0
	if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
		v, off = v[1:], 1
	}
	if len(v) > 0 && (v[len(v)-1] == '"' || v[len(v)-1] == '\'') {
		v = v[:len(v)-1]
	}
	return v, off
}

// matchAt builds a Match for secret found at byte offset off of text.
func matchAt(r *rule, text string, off int, secret, key string) *Match {
	off = max(0, min(off, len(text)))
	line := 1 + strings.Count(text[:off], "\n")
	ls := strings.LastIndexByte(text[:off], "\n"[0]) + 1
	return &Match{
		Rule:        r.id,
		Description: r.description,
		Masked:      Mask(secret),
		Fingerprint: Fingerprint(secret),
		Line:        line,
		Column:      utf8.RuneCountInString(text[ls:off]) + 1,
		Key:         key,
		Confidence:  r.confidence,
	}
}

// argvScan accumulates candidates in the coordinates of the argv joined
// with single spaces, which is what Line/Column refer to for ScanArgv.
type argvScan struct {
	d     *Detector
	argv  []string
	offs  []int
	cands []candidate
}

func (a *argvScan) add(r *rule, word int, off int, secret, key string) {
	start := a.offs[word] + off
	a.cands = append(a.cands, candidate{r: r, start: start, end: start + len(secret), secret: secret, key: key})
}

// addIn records secret found inside argv[word] (located by search).
func (a *argvScan) addIn(r *rule, word int, secret, key string) {
	off := strings.Index(a.argv[word], secret)
	if off < 0 {
		off = 0
	}
	a.add(r, word, off, secret, key)
}

// mysqlClients take their password glued to -p; "-p" alone (and
// "--password" without "=") prompts, so the next word is not a password.
var mysqlClients = map[string]bool{
	"mysql": true, "mysqladmin": true, "mysqldump": true, "mysqlimport": true,
	"mysqlshow": true, "mysqlcheck": true, "mysqlpump": true, "mysqlsh": true,
	"mariadb": true, "mariadb-admin": true, "mariadb-dump": true,
	"mariadb-import": true, "mariadb-show": true, "mariadb-check": true,
}

var loginTools = map[string]bool{
	"docker": true, "podman": true, "buildah": true, "skopeo": true,
	"nerdctl": true, "helm": true, "oras": true, "crane": true,
}

// wrappers precede the real command word.
var wrappers = map[string]bool{
	"sudo": true, "env": true, "time": true, "nohup": true, "exec": true,
	"command": true, "nice": true, "ionice": true, "doas": true,
}

// ScanArgv checks one command's argument vector for credentials in
// positions that make them credentials: curl -u user:pass, auth headers
// (-H 'Authorization: Bearer …', X-Api-Key, PRIVATE-TOKEN), wget
// --password, mysql -pPASS, docker login -p, sshpass -p, npm config set
// …:_authToken, URLs with userinfo passwords, credential-named options
// (--api-key X, --token=X) and env-style NAME=value words. Variable
// references and placeholders never match. Line and Column refer to the
// arguments joined with single spaces.
func (d *Detector) ScanArgv(argv []string) []Match {
	if len(argv) == 0 {
		return nil
	}
	a := &argvScan{d: d, argv: argv, offs: make([]int, len(argv))}
	pos := 0
	for i, w := range argv {
		a.offs[i] = pos
		pos += len(w) + 1
	}
	joined := strings.Join(argv, " ")

	// Command word: skip env-style assignments and wrappers (sudo, env).
	ci := 0
	for ci < len(argv) && (isAssignmentWord(argv[ci]) || wrappers[path.Base(argv[ci])] || (ci > 0 && wrappers[path.Base(argv[ci-1])] && strings.HasPrefix(argv[ci], "-"))) {
		ci++
	}
	cmd := ""
	if ci < len(argv) {
		cmd = path.Base(argv[ci])
	}
	// "docker login -p X" (and podman, buildah, skopeo, nerdctl, helm
	// registry login): -p is the password there, unlike for most tools.
	login := false
	if loginTools[cmd] {
		for _, w := range argv[ci+1:] {
			if w == "login" {
				login = true
			}
		}
	}

	var textCands []candidate
	for i := 0; i < len(argv); i++ {
		w := argv[i]
		// Provider patterns and URLs with passwords, anywhere. Kept apart
		// so that, at equal rank, the argv-aware rules below win ties.
		for _, c := range d.scan(w) {
			c.start += a.offs[i]
			c.end += a.offs[i]
			textCands = append(textCands, c)
		}
		if isAssignmentWord(w) {
			eq := strings.IndexByte(w, '=')
			// Provider patterns in the value were found by the scan above;
			// here only the key-aware generic rule is added.
			if m := d.CheckValue(w[:eq], w[eq+1:]); m != nil && m.Rule == ruleAssignment.id {
				v, off := unquote(w[eq+1:])
				secret := v
				if def, ok := defaultOf(v); ok {
					off += strings.Index(v, def)
					secret = def
				}
				a.add(ruleAssignment, i, eq+1+off, secret, w[:eq])
			}
			continue
		}
		if hdr := headerSecret(w); hdr != "" {
			a.addIn(ruleCLIHeader, i, hdr, headerName(w))
		}
		if i <= ci || !strings.HasPrefix(w, "-") || w == "-" || w == "--" {
			continue
		}
		next, hasNext := "", i+1 < len(argv)
		if hasNext {
			next = argv[i+1]
		}
		name, val, hasEq := strings.Cut(w, "=")
		switch {
		case cmd == "curl" && (name == "-u" || name == "--user" || (strings.HasPrefix(w, "-u") && len(w) > 2 && !strings.HasPrefix(w, "--"))):
			v, vi := optValue(w, val, hasEq, next, hasNext, "-u")
			if pw, off, ok := userPassword(v); ok {
				a.addWordOff(ruleCLIPassword, i, vi, off, pw, "-u")
			}
		case name == "-H" || name == "--header" || (strings.HasPrefix(w, "-H") && !strings.HasPrefix(w, "--")):
			// "-H 'X: y'" is handled by headerSecret on the value word;
			// here the glued forms "--header=X: y" and "-HX: y".
			v := val
			if !hasEq {
				v = strings.TrimPrefix(w, "-H")
			}
			if hdr := headerSecret(v); hdr != "" {
				a.addIn(ruleCLIHeader, i, hdr, headerName(v))
			}
		case cmd == "curl" && curlUserInCluster(w) > 0:
			// -fsSLu user:pass, or -fsu'user:pass' glued: -u ends a
			// cluster of curl's boolean short options.
			u := curlUserInCluster(w)
			v, vi := trimQuotes(w[u+1:]), 0
			if u == len(w)-1 {
				if !hasNext {
					break
				}
				v, vi = trimQuotes(next), 1
			}
			if pw, off, ok := userPassword(v); ok {
				a.addWordOff(ruleCLIPassword, i, vi, off, pw, "-u")
			}
		case (cmd == "http" || cmd == "https" || cmd == "xh") && (name == "-a" || name == "--auth"):
			v, vi := optValue(w, val, hasEq, next, hasNext, "-a")
			if pw, off, ok := userPassword(v); ok {
				a.addWordOff(ruleCLIPassword, i, vi, off, pw, name)
			}
		case mysqlClients[cmd] && strings.HasPrefix(w, "-p") && len(w) > 2 && !strings.HasPrefix(w, "--"):
			if pw := w[2:]; passwordPositionOK(pw) {
				a.add(ruleCLIPassword, i, 2, pw, "-p")
			}
		case mysqlClients[cmd] && name == "--password":
			if hasEq && passwordPositionOK(trimQuotes(val)) {
				a.addIn(ruleCLIPassword, i, trimQuotes(val), "--password")
			}
		case (cmd == "sshpass" || login) && strings.HasPrefix(w, "-p") && !strings.HasPrefix(w, "--"):
			v, vi := optValue(w, strings.TrimPrefix(w, "-p"), len(w) > 2, next, hasNext, "-p")
			if passwordPositionOK(v) {
				a.addWordOff(ruleCLIPassword, i, vi, 0, v, "-p")
			}
		case strings.HasPrefix(w, "--") && IsCredentialKey(strings.TrimLeft(name, "-")):
			v, vi := val, 0
			if !hasEq {
				if !hasNext || strings.HasPrefix(next, "-") {
					continue
				}
				v, vi = next, 1
			}
			v = trimQuotes(v)
			isPw := false
			for _, kw := range splitKey(name) {
				if kw == "password" || kw == "passwd" || kw == "pass" || kw == "passphrase" {
					isPw = true
				}
			}
			switch {
			case isPw && passwordPositionOK(v):
				a.addWordOff(ruleCLIPassword, i, vi, 0, v, name)
			case !isPw && tokenOK(v, ""):
				a.addWordOff(ruleCLIOption, i, vi, 0, v, name)
			}
			if vi == 1 {
				i++ // the value word was consumed
			}
		}
	}
	a.npmConfig(cmd, ci)
	a.positional(cmd, ci)
	cands := dedupe(append(a.cands, textCands...))
	d.emit(cands)
	return toMatches(joined, cands)
}

// addWordOff records a secret at byte offset off within argv[word+vi]
// (vi is 0 when the value is glued to the option, 1 for the next word).
func (a *argvScan) addWordOff(r *rule, word, vi, off int, secret, key string) {
	if vi == 0 {
		a.addIn(r, word, secret, key)
		return
	}
	if word+1 >= len(a.argv) {
		return
	}
	w := a.argv[word+1]
	if i := strings.Index(w[min(off, len(w)):], secret); i >= 0 {
		a.add(r, word+1, min(off, len(w))+i, secret, key)
		return
	}
	a.addIn(r, word+1, secret, key)
}

// curlBoolShort are curl's common short options that take no value; only
// they may precede -u in a cluster (after a value-taking one such as -o, the
// rest of the word is that option's value, not -u).
const curlBoolShort = "fsSLkvqiIOnNRGgjlpZM0123456#"

// curlUserInCluster returns the index of 'u' in a curl short-option cluster
// like "-fsSLu", or -1. "-u…" itself is handled with the plain option.
func curlUserInCluster(w string) int {
	if len(w) < 3 || w[0] != '-' || w[1] == '-' || w[1] == 'u' {
		return -1
	}
	for i := 1; i < len(w); i++ {
		switch {
		case w[i] == 'u':
			return i
		case !strings.ContainsRune(curlBoolShort, rune(w[i])):
			return -1
		}
	}
	return -1
}

// optValue returns an option's value: glued ("-uVALUE", "--user=VALUE") or
// the next word; vi is 0 or 1 accordingly.
func optValue(w, val string, hasEq bool, next string, hasNext bool, short string) (string, int) {
	switch {
	case hasEq:
		return trimQuotes(val), 0
	case strings.HasPrefix(w, short) && len(w) > len(short) && !strings.HasPrefix(w, "--"):
		return trimQuotes(w[len(short):]), 0
	case hasNext:
		return trimQuotes(next), 1
	}
	return "", 0
}

// userPassword splits "user:password" and validates the password part;
// "user" alone, "$USER:$PASS" and "admin:admin" are not reported.
func userPassword(v string) (pw string, off int, ok bool) {
	i := strings.IndexByte(v, ':')
	if i < 0 {
		return "", 0, false
	}
	user, pw := v[:i], v[i+1:]
	if !passwordPositionOK(pw) || strings.EqualFold(user, pw) {
		return "", 0, false
	}
	return pw, i + 1, true
}

// passwordPositionOK: the position says "password", so short human
// passwords count; variables, placeholders and trivia do not.
func passwordPositionOK(pw string) bool {
	pw = trimQuotes(pw)
	return len(pw) >= 4 && !IsPlaceholder(pw) && !looksLikeNonSecret(pw) && !strings.ContainsAny(pw, " \t\n")
}

// authHeaders are header names whose value is a credential.
var authHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "x-api-key": true,
	"api-key": true, "apikey": true, "x-apikey": true, "private-token": true,
	"job-token": true, "deploy-token": true, "x-auth-token": true,
	"x-access-token": true, "x-token": true, "x-auth-key": true,
	"x-vault-token": true, "x-jfrog-art-api": true, "x-github-token": true,
	"x-gitlab-token": true, "x-consul-token": true, "x-nomad-token": true,
}

func headerName(w string) string {
	w = strings.TrimSpace(trimQuotes(w))
	name, _, ok := strings.Cut(w, ":")
	if !ok {
		return ""
	}
	return strings.TrimSpace(name)
}

// headerSecret returns the credential in an HTTP header word such as
// "Authorization: Bearer X", "X-Api-Key: X" or httpie's "PRIVATE-TOKEN:X".
func headerSecret(w string) string {
	w = strings.TrimSpace(trimQuotes(w))
	name, val, ok := strings.Cut(w, ":")
	if !ok {
		return ""
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if !authHeaders[name] && !(strings.HasPrefix(name, "x-") && IsCredentialKey(name)) {
		return ""
	}
	val = strings.TrimSpace(trimQuotes(strings.TrimSpace(val)))
	fields := strings.Fields(val)
	switch len(fields) {
	case 0:
		return ""
	case 1:
		val = fields[0]
	default:
		// "<scheme> <credentials>": Bearer, Basic, Token, Digest, …
		val = fields[len(fields)-1]
	}
	if !tokenOK(val, "") {
		return ""
	}
	return val
}

// npmConfig handles "npm config set //registry/:_authToken X" (also "npm
// set", yarn's npmAuthToken, pnpm) in both "KEY VALUE" and "KEY=VALUE" form.
func (a *argvScan) npmConfig(cmd string, ci int) {
	if cmd != "npm" && cmd != "yarn" && cmd != "pnpm" {
		return
	}
	args := a.argv[ci+1:]
	for j := 0; j < len(args); j++ {
		if args[j] != "set" {
			continue
		}
		for k := j + 1; k < len(args); k++ {
			if strings.HasPrefix(args[k], "-") {
				continue
			}
			key, val, hasEq := strings.Cut(args[k], "=")
			if !isNPMAuthKey(key) {
				return
			}
			word, off := ci+1+k, len(key)+1
			if !hasEq {
				if k+1 >= len(args) {
					return
				}
				word, off, val = ci+1+k+1, 0, args[k+1]
			}
			v, qo := unquote(val)
			if tokenOK(v, "") {
				a.add(ruleNPMConfig, word, off+qo, v, key)
			}
			return
		}
	}
}

func isNPMAuthKey(key string) bool {
	k := key
	if i := strings.LastIndexByte(k, ':'); i >= 0 {
		k = k[i+1:]
	}
	switch strings.ToLower(k) {
	case "_authtoken", "_auth", "_password", "npmauthtoken", "npmauthident":
		return true
	}
	return false
}

// isAssignmentWord reports env-style NAME=value words.
func isAssignmentWord(w string) bool {
	eq := strings.IndexByte(w, '=')
	if eq <= 0 {
		return false
	}
	for i := 0; i < eq; i++ {
		c := w[i]
		if !(c == '_' || isAlpha(c) || (i > 0 && c >= '0' && c <= '9')) {
			return false
		}
	}
	return true
}

// singleDashPassword are options spelled with one dash whose next word is
// a password (keytool, openssl's -passin/-passout take "pass:X").
var singleDashPassword = map[string]map[string]bool{
	"keytool":   {"-storepass": true, "-keypass": true, "-srcstorepass": true, "-deststorepass": true, "-srckeypass": true, "-destkeypass": true},
	"openssl":   {"-passin": true, "-passout": true, "-pass": true, "-password": true},
	"redis-cli": {"-a": true},
	"mongosh":   {"-p": true},
	"mongo":     {"-p": true},
}

// positional finds passwords that tools take as a plain argument: the word
// after an option no generic rule knows (keytool -storepass X, redis-cli
// -a X), or an argument position (net user NAME PASS, htpasswd -b FILE
// USER PASS, rabbitmqctl add_user USER PASS, az login -p X).
func (a *argvScan) positional(cmd string, ci int) {
	argv := a.argv
	if ci >= len(argv) {
		return
	}
	cmd = strings.TrimSuffix(strings.ToLower(cmd), ".exe")
	args := argv[ci+1:]
	at := func(k int) int { return ci + 1 + k }
	add := func(k, off int, pw, key string) {
		if passwordPositionOK(pw) && pw != "*" {
			a.addWordOff(ruleCLIPassword, at(k), 0, off, pw, key)
		}
	}
	if opts := singleDashPassword[cmd]; opts != nil {
		for k := 0; k+1 < len(args); k++ {
			if !opts[args[k]] {
				continue
			}
			v, off := args[k+1], 0
			if cmd == "openssl" {
				p, ok := strings.CutPrefix(v, "pass:")
				if !ok {
					continue // env:VAR, file:path, fd:N, stdin
				}
				v, off = p, 5
			}
			add(k+1, off, v, args[k])
		}
	}
	var plain []int // indexes in args of non-option words
	for k, w := range args {
		if !strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "/") {
			plain = append(plain, k)
		}
	}
	switch cmd {
	case "net":
		// net user NAME PASSWORD [/ADD]; "*" prompts.
		if len(plain) >= 3 && strings.EqualFold(args[plain[0]], "user") {
			add(plain[2], 0, args[plain[2]], "net user")
		}
	case "htpasswd":
		// -b takes the password from the command line: the last word.
		batch := false
		for _, w := range args {
			if strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "--") && strings.ContainsRune(w, 'b') {
				batch = true
			}
		}
		if batch && len(plain) >= 2 {
			k := plain[len(plain)-1]
			add(k, 0, args[k], "htpasswd -b")
		}
	case "rabbitmqctl":
		if len(plain) >= 3 && (args[plain[0]] == "add_user" || args[plain[0]] == "change_password") {
			add(plain[2], 0, args[plain[2]], "rabbitmqctl "+args[plain[0]])
		}
	case "az":
		if len(plain) >= 1 && args[plain[0]] == "login" {
			for k := 0; k+1 < len(args); k++ {
				if args[k] == "-p" {
					add(k+1, 0, args[k+1], "-p")
				}
			}
		}
	}
}
