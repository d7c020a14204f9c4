package main

// Never-leak test (issue #4): credentials of several kinds are planted in a
// Dockerfile and in an in-process image (Env, labels, history build
// arguments and RUN lines, some spelled with quotes inside, the
// entrypoint, credential files including one a later layer deletes, a
// configuration file), and every command and output format that can see
// them is run: lint, image, image --dockerfile, facts dockerfile and facts
// image; text, text -v, json, sarif and -o FILE; plus error paths (parse
// errors on the secret's line, secrets passed with --build-arg). Standard
// output, standard error and every written file are searched for each
// planted value and for every 12-character substring of it.
//
// The values are made up at test time in each provider's format (random
// bytes, never a real credential). A failure names the value and the
// offset of the leaked window, never the value itself; set
// HARDLINE_LEAK_SEED to the seed the log shows to reproduce it.
//
// knownLeak and knownLeakValues are where a newly found leak is recorded
// (with where its fix belongs) while it is being fixed; its checks then
// skip unless HARDLINE_RUN_KNOWN=1. Both are empty: every leak this test
// has found is fixed.

import (
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/hardline-dev/hardline/pkg/secrets"
)

// leakWindow is the length of the substrings searched for: longer than the
// four characters a masked value shows, short enough that a truncated or
// partly redacted value is still caught.
const leakWindow = 12

type plantedSecret struct {
	name  string
	value string
}

// leakKit is one set of made-up credentials.
type leakKit struct {
	rng *rand.Rand

	githubToken   string // ghp_ + 36
	githubToken2  string // a second token, for labels and credential files
	awsKeyID      string // AKIA + 16 base32
	awsSecret     string // 40 base64-ish
	slackPath     string // T…/B…/… after hooks.slack.com/services/
	pemBody       []string
	curlPassword  string
	urlPassword   string
	npmToken      string // npm_ + 36, in an ARG default and build args
	npmrcToken    string // npm_ + 36, in a COPY heredoc .npmrc and an image .npmrc
	dbPassword    string // generic password=
	configPass    string // password: in a configuration file
	cmdPassword   string // --password= on the entrypoint; found by its position only
	buildArgToken string // passed with --build-arg only
	envBuildArg   string // passed with --build-arg NAME, value from the environment
	dockerAuthPW  string // in a docker config.json "auth" (base64 of user:password)
	dockerAuth    string
	// Values the shell splits with quotes (ghp_"…", -p"…"…): the detectors
	// see them whole in the parsed words, while no exact substring of the
	// Dockerfile or the history entry holds them.
	quoteToken    string // ghp_ + 36, written ghp_"…"
	quotePassword string // a mysql -p password, its first 6 characters quoted
}

const (
	leakAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	leakB32   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	leakB64   = leakAlnum + "+/"
)

func newLeakKit(t *testing.T) *leakKit {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("HARDLINE_LEAK_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("HARDLINE_LEAK_SEED: %v", err)
		}
		seed = n
	}
	t.Logf("secrets generated with HARDLINE_LEAK_SEED=%d", seed)
	k := &leakKit{rng: rand.New(rand.NewPCG(seed, seed^0x5eed))}
	k.githubToken = "ghp_" + k.rand(leakAlnum, 36)
	k.githubToken2 = "ghp_" + k.rand(leakAlnum, 36)
	k.awsKeyID = "AKIA" + k.rand(leakB32, 16)
	k.awsSecret = k.rand(leakB64, 40)
	k.slackPath = "T" + k.rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8) + "/B" + k.rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10) + "/" + k.rand(leakAlnum, 24)
	for range 6 {
		k.pemBody = append(k.pemBody, k.rand(leakB64, 64))
	}
	k.curlPassword = k.rand(leakAlnum, 20)
	k.urlPassword = k.rand(leakAlnum, 20)
	k.npmToken = "npm_" + k.rand(leakAlnum, 36)
	k.npmrcToken = "npm_" + k.rand(leakAlnum, 36)
	k.dbPassword = k.rand(leakAlnum, 20)
	k.configPass = k.rand(leakAlnum, 20)
	// The entrypoint password holds one of the generic rule's stopwords, so
	// only its argv position (--password=) makes it a secret: ScanArgv finds
	// it, ScanText does not. See knownLeakValues.
	k.cmdPassword = k.randRaw(leakAlnum, 8) + "Meta" + k.randRaw(leakAlnum, 8)
	if len(secrets.Default().ScanText(`"--password=`+k.cmdPassword+`"`)) > 0 || len(secrets.Default().ScanArgv([]string{"app", "--password=" + k.cmdPassword})) == 0 {
		t.Fatalf("the entrypoint password should be found by its argv position only")
	}
	k.buildArgToken = "ghp_" + k.rand(leakAlnum, 36)
	k.envBuildArg = "npm_" + k.rand(leakAlnum, 36)
	k.dockerAuthPW = k.rand(leakAlnum, 20)
	k.dockerAuth = base64.StdEncoding.EncodeToString([]byte("robot:" + k.dockerAuthPW))
	k.quoteToken = "ghp_" + k.rand(leakAlnum, 36)
	k.quotePassword = k.rand(leakAlnum, 20)
	return k
}

// rand returns n characters of alphabet that are no placeholder and, from
// 12 characters on, that the detector finds even where only gitleaks'
// generic rule looks (`"--password=VALUE"`): no
// placeholder ("…test…", "xxxx" …), none of the generic rule's ~1,500
// stopwords, enough entropy. The test must prove that values which are
// found are masked everywhere; values the detector cannot find at all are a
// recall question (pkg/secrets/precision_test.go), not a leak.
func (k *leakKit) rand(alphabet string, n int) string {
	for {
		s := k.randRaw(alphabet, n)
		if secrets.IsPlaceholder(s) {
			continue
		}
		if n < 12 || len(secrets.Default().ScanText(`"--password=`+s+`"`)) > 0 {
			return s
		}
	}
}

func (k *leakKit) randRaw(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[k.rng.IntN(len(alphabet))]
	}
	return string(b)
}

func (k *leakKit) pem() string {
	return "-----BEGIN OPENSSH " + "PRIVATE KEY-----\n" + strings.Join(k.pemBody, "\n") + "\n-----END OPENSSH " + "PRIVATE KEY-----\n"
}

func (k *leakKit) slackURL() string { return "https://hooks.slack.com/services/" + k.slackPath }

// quoteSplitRuns are two scripts that spell a secret with quotes in it; the
// first holds an `apt-get update` too, whose finding shows the line.
func (k *leakKit) quoteSplitRuns() []string {
	return []string{
		`apt-get update && mysql -uroot -p"` + k.quotePassword[:6] + `"` + k.quotePassword[6:] + ` -e "select 1"`,
		`curl -fsS -H "Authorization: Bearer ghp_"` + k.quoteToken[4:] + ` https://example.com/b -o /b`,
	}
}

func (k *leakKit) planted() []plantedSecret {
	ps := []plantedSecret{
		{"GitHub token", k.githubToken},
		{"second GitHub token", k.githubToken2},
		{"AWS access key ID", k.awsKeyID},
		{"AWS secret access key", k.awsSecret},
		{"Slack webhook path", k.slackPath},
		{"curl -u password", k.curlPassword},
		{"URL userinfo password", k.urlPassword},
		{"npm token (ARG default, build args)", k.npmToken},
		{"npm token (.npmrc)", k.npmrcToken},
		{"generic password=", k.dbPassword},
		{"config file password", k.configPass},
		{"entrypoint --password", k.cmdPassword},
		{"--build-arg token", k.buildArgToken},
		{"--build-arg from the environment", k.envBuildArg},
		{"docker config auth password", k.dockerAuthPW},
		{"docker config auth blob", k.dockerAuth},
		{"quote-split GitHub token", k.quoteToken},
		{"quote-split mysql password", k.quotePassword},
	}
	for i, l := range k.pemBody {
		ps = append(ps, plantedSecret{"private key body line " + strconv.Itoa(i+1), l})
	}
	return ps
}

// leakCheck fails when text contains a planted value or any
// leakWindow-character substring of one. The message never shows the value.
func leakCheck(t *testing.T, where, text string, ps []plantedSecret) {
	t.Helper()
	for _, p := range ps {
		if strings.Contains(text, p.value) {
			t.Errorf("%s: leaks the %s (whole value)", where, p.name)
			continue
		}
		for i := 0; i+leakWindow <= len(p.value); i++ {
			if j := strings.Index(text, p.value[i:i+leakWindow]); j >= 0 {
				t.Errorf("%s: leaks the %s (%d characters from offset %d of the value, at byte %d of the output)", where, p.name, leakWindow, i, j)
				break
			}
		}
	}
}

// dockerfile plants every kind of credential in a Dockerfile whose final
// stage runs as root and installs a compiler in the same RUN as a curl with
// a password, so that other rules' findings point at secret lines too.
func (k *leakKit) dockerfile() string {
	return "# syntax=docker/dockerfile:1\n" +
		"FROM alpine:3.20\n" +
		"ARG NPM_TOKEN=" + k.npmToken + "\n" +
		"ARG DEPLOY_TOKEN\n" +
		"ARG CI_NPM_TOKEN\n" +
		"ENV GITHUB_TOKEN=" + k.githubToken + "\n" +
		"ENV AWS_ACCESS_KEY_ID=" + k.awsKeyID + " AWS_SECRET_ACCESS_KEY=" + k.awsSecret + "\n" +
		"LABEL org.example.alerts=\"" + k.slackURL() + "\"\n" +
		"COPY <<EOF /root/.npmrc\n//registry.npmjs.org/:_authToken=" + k.npmrcToken + "\nEOF\n" +
		"RUN apk add --no-cache build-base && curl -fsS -u admin:" + k.curlPassword + " https://example.com/a -o /a\n" +
		"RUN git clone https://deploy:" + k.urlPassword + "@git.example.com/team/repo.git /src\n" +
		"RUN <<EOF\nmkdir -p /root/.ssh\ncat > /root/.ssh/id_ed25519 <<'KEY'\n" + k.pem() + "KEY\nEOF\n" +
		"RUN echo \"password=" + k.dbPassword + "\" > /etc/app.conf && npm ci --token=$DEPLOY_TOKEN $CI_NPM_TOKEN\n" +
		"COPY <<EOF /app/config.yaml\ndatabase:\n  user: app\n  password: " + k.configPass + "\nEOF\n" +
		"RUN " + k.quoteSplitRuns()[0] + "\n" +
		"RUN " + k.quoteSplitRuns()[1] + "\n" +
		"USER root\n" +
		"ENTRYPOINT [\"/usr/local/bin/app\", \"--password=" + k.cmdPassword + "\"]\n"
}

// image is a three-layer image holding the same kinds of credentials: in
// Env, labels, history (build arguments, a RUN line, an ENV), the
// entrypoint, credential files (an SSH key and AWS credentials a later layer
// deletes, .npmrc, .git-credentials, docker config.json) and a
// configuration file.
func (k *leakKit) image(t *testing.T) v1.Image {
	t.Helper()
	base := imgLayer(t,
		imgFile{name: "lib/ld-musl-x86_64.so.1", body: []byte("musl"), mode: 0o755},
		imgFile{name: "bin/busybox", body: loaderELF(t, "/lib/ld-musl-x86_64.so.1"), mode: 0o755},
		imgFile{name: "bin/sh", link: "/bin/busybox"},
		imgFile{name: "etc/passwd", body: []byte("root:x:0:0:root:/root:/bin/sh\n"), mode: 0o644},
		imgFile{name: "etc/os-release", body: []byte("ID=alpine\nVERSION_ID=3.20.3\n"), mode: 0o644},
	)
	app := imgLayer(t,
		imgFile{name: "usr/local/bin/app", body: loaderELF(t, "/lib/ld-musl-x86_64.so.1"), mode: 0o755},
		imgFile{name: "root/.ssh/id_ed25519", body: []byte(k.pem()), mode: 0o600},
		imgFile{name: "root/.aws/credentials", body: []byte("[default]\naws_access_key_id = " + k.awsKeyID + "\naws_secret_access_key = " + k.awsSecret + "\n"), mode: 0o600},
		imgFile{name: "root/.npmrc", body: []byte("//registry.npmjs.org/:_authToken=" + k.npmrcToken + "\n"), mode: 0o600},
		imgFile{name: "root/.git-credentials", body: []byte("https://bot:" + k.githubToken2 + "@github.com\n"), mode: 0o600},
		imgFile{name: "root/.docker/config.json", body: []byte(`{"auths":{"registry.example.com":{"auth":"` + k.dockerAuth + `"}}}`), mode: 0o600},
		imgFile{name: "app/config.yaml", body: []byte("database:\n  user: app\n  password: " + k.configPass + "\n  url: postgres://app:" + k.urlPassword + "@db:5432/app\n"), mode: 0o644},
		imgFile{name: "etc/app.conf", body: []byte("password=" + k.dbPassword + "\n"), mode: 0o644},
	)
	cleanup := imgLayer(t,
		imgFile{name: "root/.ssh/.wh.id_ed25519", mode: 0o600},
		imgFile{name: "root/.wh..aws", mode: 0o600},
	)
	img := linuxImage(t, v1.Config{
		Env: []string{
			"PATH=/usr/local/bin:/usr/bin:/bin",
			"GITHUB_TOKEN=" + k.githubToken,
			"AWS_ACCESS_KEY_ID=" + k.awsKeyID,
			"AWS_SECRET_ACCESS_KEY=" + k.awsSecret,
			"SLACK_WEBHOOK_URL=" + k.slackURL(),
		},
		Labels: map[string]string{
			"org.example.alerts":       k.slackURL(),
			"org.example.deploy-token": k.githubToken2,
			"org.example.dsn":          "postgres://app:" + k.urlPassword + "@db:5432/app",
		},
		Entrypoint: []string{"/usr/local/bin/app", "--password=" + k.cmdPassword},
	},
		[]v1.History{
			{CreatedBy: "ADD alpine-minirootfs.tar.gz / # buildkit"},
			{CreatedBy: "ARG NPM_TOKEN=" + k.npmToken, EmptyLayer: true},
			{CreatedBy: "ENV GITHUB_TOKEN=" + k.githubToken, EmptyLayer: true},
			{CreatedBy: "ENV AWS_ACCESS_KEY_ID=" + k.awsKeyID + " AWS_SECRET_ACCESS_KEY=" + k.awsSecret, EmptyLayer: true},
			{CreatedBy: "LABEL org.example.alerts=" + k.slackURL(), EmptyLayer: true},
			{CreatedBy: "RUN |3 NPM_TOKEN=" + k.npmToken + " DEPLOY_TOKEN=" + k.buildArgToken + " CI_NPM_TOKEN=" + k.envBuildArg +
				" /bin/sh -c apk add --no-cache build-base && curl -fsS -u admin:" + k.curlPassword + " https://example.com/a -o /a # buildkit"},
			{CreatedBy: "RUN |3 NPM_TOKEN=" + k.npmToken + " DEPLOY_TOKEN=" + k.buildArgToken + " CI_NPM_TOKEN=" + k.envBuildArg +
				" /bin/sh -c rm -rf /root/.ssh/id_ed25519 /root/.aws # buildkit"},
			{CreatedBy: "RUN /bin/sh -c " + k.quoteSplitRuns()[0] + " # buildkit", EmptyLayer: true},
			{CreatedBy: "RUN /bin/sh -c " + k.quoteSplitRuns()[1] + " # buildkit", EmptyLayer: true},
			{CreatedBy: "USER root", EmptyLayer: true},
			{CreatedBy: `ENTRYPOINT ["/usr/local/bin/app" "--password=` + k.cmdPassword + `"]`, EmptyLayer: true},
		},
		base, app, cleanup)
	return img
}

// leakRun is one command line and what it must produce.
type leakRun struct {
	args []string
	// out is the file -o writes, if any.
	out string
	// code is the exit status wanted, or -1 for "any".
	code int
}

// knownLeak returns why a whole command is known to print secrets, or "".
// None is known: the five leaks this test found (facts dockerfile's raw
// document and parse errors, a malformed --build-arg echoed back, facts
// image's history entries, another rule's snippet of a line holding a
// positional password) are fixed, and the test guards them.
func knownLeak(_ []string, _, _ bool) string { return "" }

// knownLeakValues returns planted values a command is known to print; none.
func knownLeakValues(_ []string, _ *leakKit) (map[string]bool, string) { return nil, "" }

// leakCheckOutput runs leakCheck on one output, leaving the values known to
// leak to a skipped subtest.
func leakCheckOutput(t *testing.T, where, text string, ps []plantedSecret, args []string, k *leakKit) {
	t.Helper()
	known, why := knownLeakValues(args, k)
	var rest, leaky []plantedSecret
	for _, p := range ps {
		if known[p.value] && os.Getenv("HARDLINE_RUN_KNOWN") != "1" {
			leaky = append(leaky, p)
		} else {
			rest = append(rest, p)
		}
	}
	leakCheck(t, where, text, rest)
	if len(leaky) > 0 {
		t.Run("known leak in "+where, func(t *testing.T) {
			t.Skip(why)
		})
	}
}

func TestSecretsNeverLeakAnywhere(t *testing.T) {
	k := newLeakKit(t)
	ps := k.planted()
	dir := workdir(t)
	write(t, dir, "Dockerfile", k.dockerfile())
	refs := imageInputs(t, dir, k.image(t))
	t.Setenv("CI_NPM_TOKEN", k.envBuildArg)
	buildArgs := []string{"--build-arg", "DEPLOY_TOKEN=" + k.buildArgToken, "--build-arg", "CI_NPM_TOKEN"}

	var runs []leakRun
	for _, cmd := range [][]string{
		{"lint", "--no-config"},
		append([]string{"lint", "--no-config"}, buildArgs...),
		{"image", "--no-config"},
		append([]string{"image", "--no-config", "--dockerfile", "Dockerfile"}, buildArgs...),
	} {
		target := "Dockerfile"
		if cmd[0] == "image" {
			target = refs["docker-archive"]
		}
		for i, f := range [][]string{{}, {"-v"}, {"-f", "json"}, {"-f", "sarif"}, {"-f", "json", "-v"}} {
			runs = append(runs, leakRun{args: append(append(append([]string{}, cmd...), f...), target), code: 1})
			if i >= 2 {
				out := "report-" + strconv.Itoa(len(runs)) + ".out"
				runs = append(runs, leakRun{args: append(append(append([]string{}, cmd...), append(f, "-o", out)...), target), out: out, code: 1})
			}
		}
		// Text to a file too.
		out := "report-" + strconv.Itoa(len(runs)) + ".txt"
		runs = append(runs, leakRun{args: append(append([]string{}, cmd...), "-v", "-o", out, target), out: out, code: 1})
	}
	// --ignore-base and the OCI layout and gzip inputs take other paths
	// through the image code.
	runs = append(runs,
		leakRun{args: append([]string{"image", "--no-config", "-f", "json", "--dockerfile", "Dockerfile", "--ignore-base"}, append(buildArgs, refs["oci-layout"])...), code: -1},
		leakRun{args: []string{"image", "--no-config", "-v", refs["gzipped"]}, code: 1},
		leakRun{args: []string{"facts", "dockerfile", "Dockerfile"}, code: 0},
		leakRun{args: append(append([]string{"facts", "dockerfile"}, buildArgs...), "Dockerfile"), code: 0},
		leakRun{args: []string{"facts", "image", refs["docker-archive"]}, code: 0},
		leakRun{args: []string{"facts", "image", refs["oci-layout"]}, code: 0},
		leakRun{args: append(append([]string{"facts", "image", "--dockerfile", "Dockerfile"}, buildArgs...), refs["docker-archive"]), code: 0},
	)

	var jsonLint, jsonImage, factsDF, factsImg string
	for _, r := range runs {
		name := strings.Join(leakRedactArgs(r.args, ps), " ")
		t.Run(name, func(t *testing.T) {
			res := hl(t, r.args...)
			switch name {
			case "lint --no-config -f json Dockerfile":
				jsonLint = res.out
			case "image --no-config -f json " + refs["docker-archive"]:
				jsonImage = res.out
			case "facts dockerfile Dockerfile":
				factsDF = res.out
			case "facts image " + refs["docker-archive"]:
				factsImg = res.out
			}
			if why := knownLeak(r.args, false, false); why != "" {
				t.Skip(why)
			}
			if r.code >= 0 && res.code != r.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", res.code, r.code, leakRedact(res.err, ps))
			}
			leakCheckOutput(t, "stdout", res.out, ps, r.args, k)
			leakCheckOutput(t, "stderr", res.err, ps, r.args, k)
			if r.out != "" {
				b, err := os.ReadFile(filepath.Join(dir, r.out))
				if err != nil {
					t.Error(err)
				}
				leakCheckOutput(t, "file "+r.out, string(b), ps, r.args, k)
			}
		})
	}

	// The test proves something only if the secrets were found (and so had
	// a chance to be printed): each masked form must be reported.
	leakWantMasked(t, "lint -f json", jsonLint, map[string]string{
		"GitHub token": k.githubToken, "AWS secret access key": k.awsSecret, "curl -u password": k.curlPassword,
		"URL userinfo password": k.urlPassword, "npm token (ARG default)": k.npmToken, "npm token (.npmrc heredoc)": k.npmrcToken,
		"generic password=": k.dbPassword, "entrypoint --password": k.cmdPassword,
		"quote-split GitHub token": k.quoteToken, "quote-split mysql password": k.quotePassword,
	})
	leakWantMasked(t, "image -f json", jsonImage, map[string]string{
		"GitHub token (Env)": k.githubToken, "AWS secret access key (Env)": k.awsSecret,
		"curl -u password (history)": k.curlPassword, "npm token (build args)": k.npmToken,
		"--build-arg token (build args)": k.buildArgToken, "entrypoint --password": k.cmdPassword,
		"quote-split GitHub token (history)": k.quoteToken, "quote-split mysql password (history)": k.quotePassword,
	})
	for _, want := range []string{"Slack", "private key"} {
		if !strings.Contains(strings.ToLower(jsonLint), strings.ToLower(want)) {
			t.Errorf("lint -f json: no %s finding; the test proves less than it claims", want)
		}
	}
	if !strings.Contains(strings.ToLower(jsonImage), "slack") {
		t.Errorf("image -f json: no Slack webhook finding; the test proves less than it claims")
	}
	for what, doc := range map[string]string{"facts dockerfile": factsDF, "facts image": factsImg} {
		var v any
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			t.Errorf("%s: not JSON: %v", what, err)
		}
	}
	leakWantMasked(t, "facts dockerfile", factsDF, map[string]string{"GitHub token": k.githubToken, "curl -u password": k.curlPassword,
		"quote-split GitHub token": k.quoteToken, "quote-split mysql password": k.quotePassword})
	leakWantMasked(t, "facts image", factsImg, map[string]string{"GitHub token": k.githubToken, "AWS secret access key": k.awsSecret,
		"quote-split GitHub token": k.quoteToken, "quote-split mysql password": k.quotePassword})
}

// leakWantMasked requires the masked form of each value in out.
func leakWantMasked(t *testing.T, where, out string, vals map[string]string) {
	t.Helper()
	for name, v := range vals {
		if !strings.Contains(out, secrets.Mask(v)) {
			t.Errorf("%s: the %s was not reported (no %q in the output)", where, name, secrets.Mask(v))
		}
	}
}

// leakRedact replaces planted values in text (for failure messages).
func leakRedact(text string, ps []plantedSecret) string {
	for _, p := range ps {
		text = strings.ReplaceAll(text, p.value, "<"+p.name+">")
	}
	return text
}

// TestSecretsNeverLeakFromErrors covers the error paths: a Dockerfile that
// fails to parse on the line holding the secret, and secrets in malformed
// --build-arg values. Every result must be an error (exit 2) that names the
// file and line without the value.
func TestSecretsNeverLeakFromErrors(t *testing.T) {
	k := newLeakKit(t)
	ps := k.planted()
	dir := workdir(t)
	// quoted: BuildKit's message quotes the offending value, so only the
	// detector can keep it out of the output.
	bad := []struct {
		name, body string
		quoted     bool
	}{
		// Context-only secrets (a password is a password because of where
		// it stands) on a line BuildKit rejects.
		{"env-blank-name", "ENV DB_PASSWORD=" + k.dbPassword + " =x", false},
		{"onbuild-chain", "ONBUILD ONBUILD RUN curl -fsS -u admin:" + k.curlPassword + " https://example.com/a", false},
		{"add-one-argument", "ADD --chown=\"admin:" + k.urlPassword + " https://deploy:" + k.urlPassword + "@example.com/a.tgz", false},
		{"continued-env", "ENV DB_PASSWORD=" + k.configPass + " \\\nUSER", false},
		{"maintainer-no-arg", "MAINTAINER\nENV GITHUB_TOKEN=" + k.githubToken, false},
		{"copy-heredoc-no-dest", "COPY <<EOF\n//registry.npmjs.org/:_authToken=" + k.npmrcToken + "\nEOF", false},
		// Provider-format tokens in positions BuildKit quotes in its error.
		{"unknown-instruction", k.githubToken + " " + k.npmToken, true},
		{"bad-duration", "HEALTHCHECK --interval=" + k.githubToken2 + " CMD true", true},
		{"bad-mount-option", "RUN --mount=type=secret,id=x,required=" + k.npmrcToken + " true", true},
		{"unknown-flag", "RUN --" + "token=" + k.buildArgToken + " true", true},
	}
	for _, b := range bad {
		file := "Dockerfile." + b.name
		write(t, dir, file, "FROM alpine:3.20\n"+b.body+"\nUSER 10001\n")
		for _, args := range [][]string{
			{"lint", "--no-config", file},
			{"lint", "--no-config", "-v", file},
			{"lint", "--no-config", "-f", "json", file},
			{"lint", "--no-config", "-f", "sarif", "-o", file + ".sarif", file},
			{"facts", "dockerfile", file},
		} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				res := hl(t, args...)
				if why := knownLeak(args, res.code == 2, b.quoted); why != "" {
					t.Skip(why)
				}
				if res.code != 2 && res.code != 1 {
					t.Errorf("exit %d, want an error (2) or findings (1); stderr:\n%s", res.code, leakRedact(res.err, ps))
				}
				leakCheck(t, "stdout", res.out, ps)
				leakCheck(t, "stderr", res.err, ps)
				if out := args[len(args)-2]; strings.HasSuffix(out, ".sarif") {
					b, err := os.ReadFile(filepath.Join(dir, out))
					if err != nil {
						t.Error(err)
					}
					leakCheck(t, "file "+out, string(b), ps)
				}
			})
		}
	}

	// Malformed --build-arg values holding a secret are usage errors; the
	// message must not echo the value.
	write(t, dir, "Dockerfile", "FROM alpine:3.20\nARG DEPLOY_TOKEN\nRUN true\nUSER 10001\n")
	refs := imageInputs(t, dir, k.image(t))
	for _, ba := range []string{
		"=" + k.buildArgToken,
		"DEPLOY TOKEN=" + k.buildArgToken,
		k.buildArgToken + "=1",
		"-" + k.npmToken,
	} {
		for _, args := range [][]string{
			{"lint", "--no-config", "--build-arg", ba, "Dockerfile"},
			{"lint", "--no-config", "-f", "json", "--build-arg", ba, "Dockerfile"},
			{"image", "--no-config", "--dockerfile", "Dockerfile", "--build-arg", ba, refs["docker-archive"]},
			{"facts", "dockerfile", "--build-arg", ba, "Dockerfile"},
			{"facts", "image", "--dockerfile", "Dockerfile", "--build-arg", ba, refs["docker-archive"]},
		} {
			t.Run(strings.Join(leakRedactArgs(args, ps), " "), func(t *testing.T) {
				if why := knownLeak(args, false, false); why != "" {
					t.Skip(why)
				}
				res := hl(t, args...)
				leakCheckOutput(t, "stdout", res.out, ps, args, k)
				leakCheckOutput(t, "stderr", res.err, ps, args, k)
			})
		}
	}
}

func leakRedactArgs(args []string, ps []plantedSecret) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = leakRedact(a, ps)
	}
	return out
}

// TestQuoteSplitSecretsNeverLeak: a value the shell splits with quotes is
// found in the parsed words but is no exact substring of the Dockerfile:
// masking only exact values printed -p"Xk9vQ2"mT7wLp4z and
// ghp_"16C7e… whole in facts (original, script) and in the snippet of
// another rule's finding on the line. The ends checked are shorter than
// leakCheck's window, so each is planted as a value of its own.
func TestQuoteSplitSecretsNeverLeak(t *testing.T) {
	const password, token = "Xk9vQ2mT7wLp4z", "ghp_" + "16C7e42F292c6912E7710c838347Ae178B4a"
	ps := []plantedSecret{{"end of the mysql password", password[6:]}, {"end of the GitHub token", token[4:]}}
	dir := workdir(t)
	write(t, dir, "Dockerfile", "FROM debian:12\n"+
		`RUN mysql -uroot -p"Xk9vQ2"mT7wLp4z -e "select 1"`+"\n"+
		`RUN curl -H "Authorization: Bearer ghp_"16C7e42F292c6912E7710c838347Ae178B4a https://x`+"\n"+
		`RUN apt-get update && mysql -uroot -p"Xk9vQ2"mT7wLp4z -e "select 1"`+"\n"+
		"RUN mysql -uroot -pXk9vQ2\\\nmT7wLp4z -e 'select 1' && curl https://x | sh\n")
	// A custom rule that prints each RUN as written.
	write(t, filepath.Join(dir, "rules-echo"), "echo.rego", "# METADATA\n# title: Echo\n# description: Echo.\n# custom:\n#   id: ACME950\n"+
		"#   name: acme-echo\n#   severity: low\n#   tags: [network]\n#   inputs: [dockerfile]\n#   remediation: None.\npackage hardline.rules.acme_echo\n\n"+
		"deny contains {\"msg\": sprintf(\"runs %s\", [ins.original]), \"location\": ins.location} if {\n\tsome stage in input.stages\n\tsome ins in stage.instructions\n\tins.cmd == \"run\"\n}\n")
	for _, args := range [][]string{
		{"facts", "dockerfile", "Dockerfile"},
		{"lint", "--no-config", "--rules", "rules-echo", "-f", "json", "Dockerfile"},
		{"lint", "--no-config", "-f", "json", "Dockerfile"},
		{"lint", "--no-config", "-f", "sarif", "Dockerfile"},
		{"lint", "--no-config", "-v", "Dockerfile"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			res := hl(t, args...)
			if res.code == 2 {
				t.Fatalf("exit 2; stderr:\n%s", leakRedact(res.err, ps))
			}
			leakCheck(t, "stdout", res.out, ps)
			leakCheck(t, "stderr", res.err, ps)
			for _, v := range []string{password, token} {
				if !strings.Contains(res.out, secrets.Mask(v)) {
					t.Errorf("no %q in the output: the value was not found, the case proves nothing", secrets.Mask(v))
				}
			}
			if args[2] == "--rules" && strings.Count(res.out, "runs RUN ") != 4 {
				t.Errorf("the custom rule did not report every RUN: %s", leakRedact(res.out, ps))
			}
		})
	}
}

// TestSnippetNeverEchoesPositionalPassword: a password that is a secret only
// by its position (here --password= on the ENTRYPOINT, found by ScanArgv;
// equally a value that CheckValue reports because of its ENV/ARG name) is
// masked in the HL1008 finding, but the text report prints the whole line
// as the snippet of another rule's finding on the same line (HL1004
// no-init points at every ENTRYPOINT without an init):
//
//	Dockerfile:2:1  MEDIUM  HL1004 no-init  …
//	  2 | ENTRYPOINT ["/usr/local/bin/app", "--password=<the password>"]
//
// pkg/report/text.go hides a source line when the finding is a secrets
// finding or secrets.Default().ScanText(line) finds something; ScanText
// has no argv or key context, and gitleaks' generic rule drops values that
// contain one of its ~1,500 stopwords ("meta", "code", "user" …) or have
// less than 3.5 bits of entropy per character (most values of 12
// characters or less). The same happens with --tags init, when no secrets
// rule runs at all, and with image --dockerfile.
//
// Fix: pkg/lint knows every secret value of the file (dockerfile.Document
// Redactions); mask them in FileResult.Source / report.Run.Sources
// (replace each value with secrets.Mask(value)) before any reporter sees
// the source, or hand the reporter the set of lines that hold a secret
// fact and hide those. Either covers every rule, custom ones included.
func TestSnippetNeverEchoesPositionalPassword(t *testing.T) {
	k := newLeakKit(t)
	ps := []plantedSecret{{"entrypoint --password", k.cmdPassword}}
	dir := workdir(t)
	write(t, dir, "Dockerfile", "FROM alpine:3.20\nENTRYPOINT [\"/usr/local/bin/app\", \"--password="+k.cmdPassword+"\"]\nUSER 10001\n")
	res := hl(t, "lint", "--no-config", "-f", "json", "Dockerfile")
	if !strings.Contains(res.out, "HL1004") || !strings.Contains(res.out, secrets.Mask(k.cmdPassword)) {
		t.Fatalf("want HL1004 and the masked password in the report; the test proves nothing:\n%s", leakRedact(res.out, ps))
	}
	for _, args := range [][]string{
		{"lint", "--no-config", "Dockerfile"},
		{"lint", "--no-config", "-v", "Dockerfile"},
		{"lint", "--no-config", "--tags", "init", "Dockerfile"},
	} {
		res := hl(t, args...)
		leakCheck(t, strings.Join(args, " "), res.out+res.err, ps)
	}
}

// TestSecretsNeverLeakFromInstructionArguments: a token written where no
// secrets check looks (an EXPOSE port, a LABEL key, a WORKDIR or VOLUME
// path, a user name, a stop signal, a SHELL word, a flag value) used to be
// printed as written by `facts dockerfile`: the document keeps instruction
// arguments as written and the builder's redaction list holds only the
// values it judged (ENV, ARG, RUN …). Each case is alone in its file, so no
// other redaction masks the token by coincidence; the masked form must be
// printed (the detector saw it) and no window of the value.
func TestSecretsNeverLeakFromInstructionArguments(t *testing.T) {
	k := newLeakKit(t)
	dir := workdir(t)
	for _, c := range []struct {
		name string
		line func(tok string) string
	}{
		{"expose", func(tok string) string { return "EXPOSE " + tok }},
		{"expose-protocol", func(tok string) string { return "EXPOSE 8080/tcp " + tok }},
		{"label-key", func(tok string) string { return "LABEL " + tok + "=x" }},
		{"label-value", func(tok string) string { return "LABEL org.example.note=" + tok }},
		{"workdir", func(tok string) string { return "WORKDIR /srv/" + tok }},
		{"user", func(tok string) string { return "USER " + tok }},
		{"user-group", func(tok string) string { return "USER app:" + tok }},
		{"volume", func(tok string) string { return "VOLUME /data/" + tok }},
		{"volume-json", func(tok string) string { return `VOLUME ["/data/` + tok + `"]` }},
		{"stopsignal", func(tok string) string { return "STOPSIGNAL " + tok }},
		{"onbuild-expose", func(tok string) string { return "ONBUILD EXPOSE " + tok }},
		{"onbuild-label-key", func(tok string) string { return "ONBUILD LABEL " + tok + "=x" }},
		{"onbuild-workdir", func(tok string) string { return "ONBUILD WORKDIR /srv/" + tok }},
		{"shell", func(tok string) string { return `SHELL ["/bin/sh", "-c", "` + tok + `"]` }},
		{"healthcheck-exec", func(tok string) string { return `HEALTHCHECK --interval=30s CMD ["` + tok + `"]` }},
		{"maintainer", func(tok string) string { return "MAINTAINER " + tok }},
		{"copy-chown", func(tok string) string { return "COPY --chown=" + tok + " a /b/" + tok }},
		{"copy-from", func(tok string) string { return "COPY --from=" + tok + " a b" }},
		{"copy-exclude", func(tok string) string { return "COPY --exclude=" + tok + " a b" }},
		{"add-checksum", func(tok string) string { return "ADD --checksum=sha256:" + tok + " https://example.com/x /y" }},
		{"run-mount-id", func(tok string) string { return "RUN --mount=type=secret,id=" + tok + " true" }},
		{"run-mount-target", func(tok string) string { return "RUN --mount=type=cache,target=/c/" + tok + " true" }},
		{"env-name", func(tok string) string { return "ENV " + tok + "=1" }},
		{"arg-name", func(tok string) string { return "ARG " + tok }},
	} {
		t.Run(c.name, func(t *testing.T) {
			tok := "ghp_" + k.rand(leakAlnum, 36)
			ps := []plantedSecret{{"GitHub token in " + c.name, tok}}
			file := "Dockerfile." + c.name
			write(t, dir, file, "FROM alpine:3.20\n"+c.line(tok)+"\nUSER 10001\n")
			res := hl(t, "facts", "dockerfile", file)
			if res.code != 0 {
				t.Fatalf("exit %d, want 0; stderr:\n%s", res.code, leakRedact(res.err, ps))
			}
			var v any
			if err := json.Unmarshal([]byte(res.out), &v); err != nil {
				t.Errorf("not JSON after masking: %v", err)
			}
			leakCheck(t, "facts stdout", res.out+res.err, ps)
			if !strings.Contains(res.out, secrets.Mask(tok)) {
				t.Errorf("no %q in the facts: the argument never reached them, the case proves nothing", secrets.Mask(tok))
			}
			for _, args := range [][]string{{"lint", "--no-config", "-v", file}, {"lint", "--no-config", "-f", "json", file}} {
				res := hl(t, args...)
				leakCheck(t, strings.Join(args, " "), res.out+res.err, ps)
			}
		})
	}
}

// TestFactsMaskEveryDocumentString: printJSON masks a value the detector
// finds anywhere in the document, object keys included, and only such
// values; the result stays valid JSON.
func TestFactsMaskEveryDocumentString(t *testing.T) {
	const tok = "ghp_" + "Hk3mP9qR2sT5vW8xY1zA4bC7dE0fG6hJ2kL5"
	const aws = "AKIA" + "QYLPMN5HHHFPZAM2"
	doc := map[string]any{
		"ports":  []any{tok, "8080/tcp"},
		"labels": map[string]any{tok: "x", "maintainer": "ops@example.com"},
		"nested": []any{map[string]any{"path": "/srv/" + tok + "/x", "quoted": `say "` + aws + `"`}},
		"plain":  "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"count":  12345678901234567,
	}
	var out strings.Builder
	if err := printJSON(streams{out: &out}, doc); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, v := range []string{tok[4:16], aws[4:16]} {
		if strings.Contains(got, v) {
			t.Errorf("a secret survived:\n%s", got)
		}
	}
	var back struct {
		Ports  []string          `json:"ports"`
		Labels map[string]string `json:"labels"`
		Nested []struct {
			Path   string `json:"path"`
			Quoted string `json:"quoted"`
		} `json:"nested"`
		Plain string `json:"plain"`
		Count int64  `json:"count"`
	}
	if err := json.Unmarshal([]byte(got), &back); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	m := secrets.Mask(tok)
	if back.Ports[0] != m || back.Ports[1] != "8080/tcp" || back.Labels[m] != "x" || back.Labels["maintainer"] != "ops@example.com" ||
		back.Nested[0].Path != "/srv/"+m+"/x" || back.Nested[0].Quoted != `say "`+secrets.Mask(aws)+`"` ||
		back.Plain != "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" || back.Count != 12345678901234567 {
		t.Errorf("masked document = %+v", back)
	}
}

// TestFactsErrorsMaskExactly: a path holding a token is masked in facts'
// errors over exactly the token, the separators and the colon around it
// kept (the old span guess ate the "v/" before a token and the ":" after
// it), and facts image masks its errors at all.
func TestFactsErrorsMaskExactly(t *testing.T) {
	const tok = "ghp_" + "Hk3mP9qR2sT5vW8xY1zA4bC7dE0fG6hJ2kL5"
	m := secrets.Mask(tok)
	workdir(t) // an empty directory: none of the paths exists
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"facts", "dockerfile", "srv/" + tok + "/Dockerfile"}, "hardline: srv/" + m + "/Dockerfile: open srv/" + m + "/Dockerfile: "},
		{[]string{"facts", "image", "srv/" + tok + ".tar"}, "hardline: srv/" + m + ".tar: "},
		{[]string{"facts", "image", "--dockerfile", "srv/" + tok, "x.tar"}, "hardline: srv/" + m + ": open srv/" + m + ": "},
	} {
		t.Run(strings.Join(c.args[:2], " "), func(t *testing.T) {
			res := hl(t, c.args...)
			if res.code != 2 {
				t.Errorf("exit %d, want 2", res.code)
			}
			if strings.Contains(res.out+res.err, tok[4:16]) {
				t.Errorf("the token is printed: %s", strings.ReplaceAll(res.err, tok, "<token>"))
			}
			if !strings.HasPrefix(res.err, c.want) {
				t.Errorf("stderr = %q, want it to start %q", strings.ReplaceAll(res.err, tok, "<token>"), c.want)
			}
		})
	}
}
