package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/util"
)

// benchRules are ten small rules of the shape the builtin ones have: walk
// the stages and instructions of the final chain and match fields.
var benchRules = map[string]string{
	"lib/b.rego": `package hardline.lib.b

final := s if {
	some s in input.stages
	s.is_final
}

instrs contains [s, i] if {
	some s in input.stages
	s.in_final_chain
	some i in s.instructions
}
`,
	"root.rego": ruleSpec{pkg: "root", id: "HL1001", body: `import data.hardline.lib.b

deny contains {"msg": "runs as root", "location": b.final.location, "stage": b.final.index} if {
	not b.final.runtime.user
}

deny contains {"msg": "runs as root", "location": u.location, "stage": u.stage} if {
	u := b.final.runtime.user
	u.user in {"root", "0"}
}
`}.source(),
	"apt.rego": ruleSpec{pkg: "apt", id: "HL1002", body: `import data.hardline.lib.b

deny contains {"msg": sprintf("%s install without --no-install-recommends", [op.manager]), "location": i.location, "key": concat(",", op.packages)} if {
	some [_, i] in b.instrs
	i.cmd == "run"
	some op in i.run.packages
	op.manager == "apt-get"
	op.action == "install"
	not "--no-install-recommends" in op.flags
}
`}.source(),
	"add_url.rego": ruleSpec{pkg: "add_url", id: "HL1003", body: `import data.hardline.lib.b

deny contains {"msg": "ADD with a URL", "location": i.location} if {
	some [_, i] in b.instrs
	i.cmd == "add"
	some a in i.expanded
	regex.match("^https?://", a)
}
`}.source(),
	"latest.rego": ruleSpec{pkg: "latest", id: "HL1004", tags: "[base-image]", body: `deny contains {"msg": sprintf("base image %s uses latest", [s.base.resolved]), "location": s.location, "stage": s.index} if {
	some s in input.stages
	s.base.stage == -1
	not s.base.scratch
	endswith(s.base.resolved, ":latest")
}
`}.source(),
	"secrets.rego": ruleSpec{pkg: "secrets", id: "HL1005", tags: "[secrets]", body: `deny contains {"msg": sprintf("%s in %s", [x.rule, x.source]), "location": x.location, "key": x.rule} if {
	some x in input.secrets
}
`}.source(),
	"curl_sh.rego": ruleSpec{pkg: "curl_sh", id: "HL1006", tags: "[supply-chain]", body: `import data.hardline.lib.b

deny contains {"msg": "pipe to shell", "location": i.location} if {
	some [_, i] in b.instrs
	i.cmd == "run"
	some c in i.run.commands
	c.name in {"sh", "bash"}
	c.pipe_pos > 0
}
`}.source(),
	"health.rego": ruleSpec{pkg: "health", id: "HL1007", tags: "[healthcheck]", body: `import data.hardline.lib.b

deny contains {"msg": "no HEALTHCHECK"} if not b.final.runtime.healthcheck
`}.source(),
	"ssh.rego": ruleSpec{pkg: "ssh", id: "HL1008", tags: "[network]", body: `import data.hardline.lib.b

deny contains {"msg": "exposes ssh", "location": p.location} if {
	some p in b.final.runtime.expose
	p.port == 22
}
`}.source(),
	"sudo.rego": ruleSpec{pkg: "sudo", id: "HL1009", tags: "[privilege]", body: `import data.hardline.lib.b

deny contains {"msg": "installs sudo", "location": i.location} if {
	some [_, i] in b.instrs
	some op in i.run.packages
	"sudo" in op.packages
}
`}.source(),
	"chmod.rego": ruleSpec{pkg: "chmod", id: "HL1010", tags: "[filesystem]", body: `import data.hardline.lib.b

deny contains {"msg": "world-writable", "location": i.location} if {
	some [_, i] in b.instrs
	some c in i.run.commands
	c.name == "chmod"
	some a in c.args
	regex.match("^[0-7]?[0-7][0-7]7$", a)
}
`}.source(),
}

// Local mirror of the shape of dockerfile.Document (kept here so that this
// benchmark does not depend on the facts package being buildable).
type (
	bLoc struct {
		StartLine   int `json:"start_line"`
		StartColumn int `json:"start_column"`
		EndLine     int `json:"end_line"`
		EndColumn   int `json:"end_column"`
	}
	bCmd struct {
		Argv    []string `json:"argv"`
		Name    string   `json:"name"`
		Args    []string `json:"args"`
		PipePos int      `json:"pipe_pos"`
		PipeLen int      `json:"pipe_len"`
		Line    int      `json:"line"`
	}
	bOp struct {
		Manager  string   `json:"manager"`
		Action   string   `json:"action"`
		Packages []string `json:"packages,omitempty"`
		Flags    []string `json:"flags,omitempty"`
		Command  int      `json:"command"`
	}
	bRun struct {
		Script   string `json:"script"`
		Commands []bCmd `json:"commands"`
		Packages []bOp  `json:"packages"`
	}
	bInstr struct {
		Index    int      `json:"index"`
		Cmd      string   `json:"cmd"`
		Original string   `json:"original"`
		Location bLoc     `json:"location"`
		Args     []string `json:"args"`
		Expanded []string `json:"expanded"`
		Run      *bRun    `json:"run,omitempty"`
	}
	bUser struct {
		User     string `json:"user"`
		Value    string `json:"value"`
		Stage    int    `json:"stage"`
		Location bLoc   `json:"location"`
	}
	bPort struct {
		Port     int    `json:"port"`
		Protocol string `json:"protocol"`
		Location bLoc   `json:"location"`
	}
	bRuntime struct {
		User    *bUser            `json:"user"`
		Env     map[string]string `json:"env"`
		Expose  []bPort           `json:"expose"`
		Workdir string            `json:"workdir"`
	}
	bBase struct {
		Raw      string `json:"raw"`
		Resolved string `json:"resolved"`
		Stage    int    `json:"stage"`
		Scratch  bool   `json:"scratch"`
	}
	bStage struct {
		Index        int      `json:"index"`
		Name         string   `json:"name"`
		Base         bBase    `json:"base"`
		Location     bLoc     `json:"location"`
		IsFinal      bool     `json:"is_final"`
		InFinalChain bool     `json:"in_final_chain"`
		Instructions []bInstr `json:"instructions"`
		Runtime      bRuntime `json:"runtime"`
	}
	bSecret struct {
		Rule     string `json:"rule"`
		Source   string `json:"source"`
		Location bLoc   `json:"location"`
	}
	bDoc struct {
		SchemaVersion string    `json:"schema_version"`
		Kind          string    `json:"kind"`
		File          string    `json:"file"`
		Stages        []bStage  `json:"stages"`
		FinalStage    int       `json:"final_stage"`
		Secrets       []bSecret `json:"secrets"`
	}
)

// benchDoc builds a three-stage document of roughly 20 KB of JSON.
func benchDoc() *bDoc {
	d := &bDoc{SchemaVersion: "hardline.dockerfile/v1", Kind: "dockerfile", File: "Dockerfile", FinalStage: 2}
	line := 1
	loc := func(text string) bLoc {
		l := bLoc{StartLine: line, StartColumn: 1, EndLine: line, EndColumn: len(text)}
		line++
		return l
	}
	for si, base := range []string{"golang:1.22", "node:latest", "debian:bookworm-slim"} {
		from := "FROM " + base + fmt.Sprintf(" AS s%d", si)
		st := bStage{Index: si, Name: fmt.Sprintf("s%d", si), Base: bBase{Raw: base, Resolved: base, Stage: -1},
			Location: loc(from), IsFinal: si == 2, InFinalChain: si == 2,
			Runtime: bRuntime{Env: map[string]string{"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}, Workdir: "/app"}}
		for ii := range 9 {
			var in bInstr
			switch ii % 3 {
			case 0:
				script := "apt-get update && apt-get install -y curl ca-certificates git build-essential && rm -rf /var/lib/apt/lists/*"
				in = bInstr{Cmd: "run", Original: "RUN " + script, Args: []string{script}, Expanded: []string{script},
					Run: &bRun{Script: script, Commands: []bCmd{
						{Argv: []string{"apt-get", "update"}, Name: "apt-get", Args: []string{"update"}, Line: line},
						{Argv: []string{"apt-get", "install", "-y", "curl", "ca-certificates", "git", "build-essential"}, Name: "apt-get", Args: []string{"install", "-y", "curl", "ca-certificates", "git", "build-essential"}, Line: line},
						{Argv: []string{"rm", "-rf", "/var/lib/apt/lists/*"}, Name: "rm", Args: []string{"-rf", "/var/lib/apt/lists/*"}, Line: line},
					}, Packages: []bOp{{Manager: "apt-get", Action: "install", Packages: []string{"curl", "ca-certificates", "git", "build-essential", "sudo"}, Flags: []string{"-y"}, Command: 1}}}}
			case 1:
				script := "curl -fsSL https://example.com/install.sh | sh && chmod 0777 /app"
				in = bInstr{Cmd: "run", Original: "RUN " + script, Args: []string{script}, Expanded: []string{script},
					Run: &bRun{Script: script, Commands: []bCmd{
						{Argv: []string{"curl", "-fsSL", "https://example.com/install.sh"}, Name: "curl", Args: []string{"-fsSL", "https://example.com/install.sh"}, PipeLen: 2, Line: line},
						{Argv: []string{"sh"}, Name: "sh", PipePos: 1, PipeLen: 2, Line: line},
						{Argv: []string{"chmod", "0777", "/app"}, Name: "chmod", Args: []string{"0777", "/app"}, Line: line},
					}}}
			default:
				in = bInstr{Cmd: "copy", Original: "COPY --chown=app:app . /app", Args: []string{".", "/app"}, Expanded: []string{".", "/app"}}
				if ii == 8 {
					in = bInstr{Cmd: "add", Original: "ADD https://example.com/app.tgz /app/", Args: []string{"https://example.com/app.tgz", "/app/"}, Expanded: []string{"https://example.com/app.tgz", "/app/"}}
				}
			}
			in.Index = ii
			in.Location = loc(in.Original)
			st.Instructions = append(st.Instructions, in)
		}
		if si == 2 {
			st.Runtime.User = &bUser{User: "root", Value: "root", Stage: 2, Location: loc("USER root")}
			st.Runtime.Expose = []bPort{{Port: 22, Protocol: "tcp", Location: loc("EXPOSE 22")}, {Port: 8080, Protocol: "tcp", Location: loc("EXPOSE 8080")}}
		}
		d.Stages = append(d.Stages, st)
	}
	d.Secrets = []bSecret{{Rule: "aws-access-key-id", Source: "env", Location: loc("ENV AWS_ACCESS_KEY_ID=AKIA****")}}
	return d
}

func benchEngine(b *testing.B) *Engine {
	b.Helper()
	e, err := New(context.Background(), Options{Builtin: mapFS(benchRules), NoBuiltin: false})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

func TestBenchFixtures(t *testing.T) {
	raw, _ := json.Marshal(benchDoc())
	if n := len(raw); n < 15_000 || n > 30_000 {
		t.Errorf("bench document is %d bytes, want about 20 KB", n)
	}
	e, err := New(context.Background(), Options{Builtin: mapFS(benchRules)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Evaluate(context.Background(), KindDockerfile, benchDoc(), nil)
	if err != nil {
		t.Fatal(err)
	}
	fired := map[string]bool{}
	for _, r := range res {
		fired[r.Rule.ID] = true
	}
	// Every bench rule fires, so the benchmark measures real work.
	if len(fired) != 10 {
		t.Errorf("rules fired: %v", fired)
	}
	// The single-query alternative must agree with the per-rule queries.
	if got := evalSingleQuery(t, e, benchDoc()); got != len(res) {
		t.Errorf("single query found %d results, per-rule found %d", got, len(res))
	}
}

// BenchmarkNew measures parse + validate + compile + prepare for 10 rules
// and a library, i.e. the per-process start-up cost.
func BenchmarkNew(b *testing.B) {
	fsys := mapFS(benchRules)
	for b.Loop() {
		if _, err := New(context.Background(), Options{Builtin: fsys}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewEmbedded measures start-up with the real builtin rules.
func BenchmarkNewEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := New(context.Background(), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluate is the per-document cost with a typed ~20 KB input,
// conversion included.
func BenchmarkEvaluate(b *testing.B) {
	e := benchEngine(b)
	doc := benchDoc()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Evaluate(context.Background(), KindDockerfile, doc, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluateSingleQuery is the alternative design: one prepared query
// over data.hardline.rules, results filtered by package in Go. It is here to
// keep the choice of per-rule queries honest.
func BenchmarkEvaluateSingleQuery(b *testing.B) {
	e := benchEngine(b)
	doc := benchDoc()
	pq := singleQuery(b, e)
	b.ReportAllocs()
	for b.Loop() {
		v, err := toValue(doc)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := pq.Eval(context.Background(), rego.EvalParsedInput(v)); err != nil {
			b.Fatal(err)
		}
	}
}

func singleQuery(tb testing.TB, e *Engine) rego.PreparedEvalQuery {
	tb.Helper()
	srcs, _ := sourcesFor(Options{Builtin: mapFS(benchRules)})
	rs := load(srcs, false)
	c, err := compile(rs.modules, false, false)
	if err != nil {
		tb.Fatal(err)
	}
	pq, err := rego.New(rego.Query("data.hardline.rules"), rego.Compiler(c)).PrepareForEval(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return pq
}

func evalSingleQuery(t *testing.T, e *Engine, doc any) int {
	pq := singleQuery(t, e)
	v, err := toValue(doc)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := pq.Eval(context.Background(), rego.EvalParsedInput(v))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range e.Rules() {
		pkg := strings.TrimPrefix(r.Package, "data.hardline.rules.")
		res, err := decodeDeny(&r, rs[0].Expressions[0].Value.(map[string]any)[pkg].(map[string]any)["deny"])
		if err != nil {
			t.Fatal(err)
		}
		n += len(res)
	}
	return n
}

// BenchmarkInputConversion compares ways of turning the typed document into
// an ast.Value once per document.
func BenchmarkInputConversion(b *testing.B) {
	doc := benchDoc()
	b.Run("json.Marshal+ValueFromReader", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			raw, err := json.Marshal(doc)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := ast.ValueFromReader(bytes.NewReader(raw)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ast.InterfaceToValue(struct)", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ast.InterfaceToValue(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("util.RoundTrip+InterfaceToValue", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var x any = doc
			if err := util.RoundTrip(&x); err != nil {
				b.Fatal(err)
			}
			if _, err := ast.InterfaceToValue(x); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rego.EvalInput(struct) per rule", func(b *testing.B) {
		// What happens without converting once: every rule's Eval converts
		// the input again.
		e := benchEngine(b)
		b.ReportAllocs()
		for b.Loop() {
			qs, err := e.ruleQueries(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			for i := range qs {
				if _, err := qs[i].Eval(context.Background(), rego.EvalInput(doc)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkNewEmbeddedDockerfile is what `hardline lint` pays: the
// embedded rules without their image branches, over two compilers.
func BenchmarkNewEmbeddedDockerfile(b *testing.B) {
	for b.Loop() {
		if _, err := New(context.Background(), Options{Kinds: []string{KindDockerfile}, Compilers: 2}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewEmbeddedDockerfileOneCompiler(b *testing.B) {
	for b.Loop() {
		if _, err := New(context.Background(), Options{Kinds: []string{KindDockerfile}, Compilers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
