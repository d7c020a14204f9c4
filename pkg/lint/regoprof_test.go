package lint

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/profiler"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/hardline-dev/hardline/pkg/dockerfile"
	"github.com/hardline-dev/hardline/pkg/policy"
	"github.com/hardline-dev/hardline/rules"
)

// TestRegoProfileCorpus is a measuring tool, not a check: with
// HARDLINE_REGO_PROFILE=1 it evaluates the built-in rules `hardline lint`
// runs by default (Dockerfile rules not disabled by default;
// HARDLINE_REGO_ALL=1 for all) on the facts of every corpus file in one
// prepared query (as the engine does), first
// without a tracer to time the Rego evaluation alone (CPU of one goroutine,
// best of HARDLINE_REGO_ROUNDS rounds, default 3), then with OPA's
// profiler to attribute the time to rule files and expressions.
// HARDLINE_REGO_PROFILE_EVERY=n profiles every n-th file only.
func TestRegoProfileCorpus(t *testing.T) {
	if os.Getenv("HARDLINE_REGO_PROFILE") == "" {
		t.Skip("set HARDLINE_REGO_PROFILE=1 to profile the Rego evaluation of the corpus")
	}
	inputs := corpusInputs(t)
	var docs []ast.Value
	for _, in := range inputs {
		src, err := os.ReadFile(in.Path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := dockerfile.Parse(in.Path, src, dockerfile.Options{})
		if err != nil {
			continue
		}
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		var x any
		if err := util.UnmarshalJSON(b, &x); err != nil {
			t.Fatal(err)
		}
		v, err := ast.InterfaceToValue(x)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, v)
	}

	mods := map[string]*ast.Module{}
	var pkgs []string
	err := fs.WalkDir(rules.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		src, err := fs.ReadFile(rules.FS, p)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(p, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			return err
		}
		mods[p] = m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The rules `hardline lint` evaluates by default: Dockerfile rules on by
	// default (HARDLINE_REGO_ALL=1: every rule).
	eng, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range eng.Rules() {
		if os.Getenv("HARDLINE_REGO_ALL") != "" || r.Enabled && slices.Contains(r.Inputs, policy.KindDockerfile) {
			pkgs = append(pkgs, r.Package)
		}
	}
	sort.Strings(pkgs)
	if only := os.Getenv("HARDLINE_REGO_ONLY"); only != "" {
		// Evaluate (and profile) the named rule packages only.
		var kept []string
		for _, p := range pkgs {
			for _, o := range strings.Split(only, ",") {
				if strings.HasSuffix(p, "."+o) {
					kept = append(kept, p)
				}
			}
		}
		pkgs = kept
	}
	c := ast.NewCompiler().WithEnablePrintStatements(false)
	if c.Compile(mods); c.Failed() {
		t.Fatal(c.Errors)
	}
	body := make(ast.Body, 0, len(pkgs))
	for k, p := range pkgs {
		ref := ast.MustParseRef(p).Append(ast.StringTerm("deny"))
		body = append(body, ast.Equality.Expr(ast.VarTerm(fmt.Sprintf("r%d", k)), ast.NewTerm(ref)))
	}
	store := inmem.NewFromObject(map[string]any{"hardline": map[string]any{"config": map[string]any{}}})
	ctx := context.Background()
	pq, err := rego.New(rego.ParsedQuery(body), rego.Compiler(c), rego.Store(store)).PrepareForEval(ctx)
	if err != nil {
		t.Fatal(err)
	}

	rounds := 3
	if n, err := strconv.Atoi(os.Getenv("HARDLINE_REGO_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	best := time.Duration(1 << 62)
	for r := 0; r < rounds; r++ {
		start := processCPU()
		for _, v := range docs {
			if _, err := pq.Eval(ctx, rego.EvalParsedInput(v)); err != nil {
				t.Logf("eval: %v", err)
			}
		}
		d := processCPU() - start
		t.Logf("round %d: Rego evaluation of %d documents: %v CPU (%.2f ms/doc)", r, len(docs), d, float64(d.Microseconds())/1000/float64(len(docs)))
		best = min(best, d)
	}
	t.Logf("best: %v CPU, %.2f ms/doc", best, float64(best.Microseconds())/1000/float64(len(docs)))

	if os.Getenv("HARDLINE_REGO_ALONE") != "" {
		// Each rule alone (its library included), on every 4th document.
		type cost struct {
			pkg string
			d   time.Duration
		}
		var costs []cost
		for k, p := range pkgs {
			q, err := rego.New(rego.ParsedQuery(body[k:k+1]), rego.Compiler(c), rego.Store(store)).PrepareForEval(ctx)
			if err != nil {
				t.Fatal(err)
			}
			start := processCPU()
			for i := 0; i < len(docs); i += 4 {
				if _, err := q.Eval(ctx, rego.EvalParsedInput(docs[i])); err != nil {
					t.Logf("eval: %v", err)
				}
			}
			costs = append(costs, cost{p, processCPU() - start})
		}
		sort.Slice(costs, func(i, j int) bool { return costs[i].d > costs[j].d })
		var sb strings.Builder
		for _, c := range costs {
			fmt.Fprintf(&sb, "  %8.1f ms  %s\n", float64(c.d.Microseconds())/1000, c.pkg)
		}
		t.Log("each rule alone, every 4th document:\n" + sb.String())
	}

	every := 1
	if n, err := strconv.Atoi(os.Getenv("HARDLINE_REGO_PROFILE_EVERY")); err == nil && n > 0 {
		every = n
	}
	type key struct {
		file string
		row  int
	}
	byExpr := map[key]*profiler.ExprStats{}
	byFile := map[string]int64{}
	var total int64
	for i, v := range docs {
		if i%every != 0 {
			continue
		}
		p := profiler.New()
		if _, err := pq.Eval(ctx, rego.EvalParsedInput(v), rego.EvalQueryTracer(p)); err != nil {
			t.Logf("eval: %v", err)
		}
		for _, s := range p.ReportTopNResults(1<<30, []string{"total_time_ns"}) {
			k := key{s.Location.File, s.Location.Row}
			if e, ok := byExpr[k]; ok {
				e.ExprTimeNs += s.ExprTimeNs
				e.NumEval += s.NumEval
				e.NumRedo += s.NumRedo
			} else {
				s := s
				byExpr[k] = &s
			}
			byFile[s.Location.File] += s.ExprTimeNs
			total += s.ExprTimeNs
		}
	}
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return byFile[files[i]] > byFile[files[j]] })
	var sb strings.Builder
	fmt.Fprintf(&sb, "profiled time %v over %d documents\nby file:\n", time.Duration(total), (len(docs)+every-1)/every)
	for _, f := range files {
		fmt.Fprintf(&sb, "  %5.1f%%  %s\n", 100*float64(byFile[f])/float64(total), f)
	}
	// Exclusive time by rule or function: an expression belongs to the
	// last rule in its file that starts at or before its row.
	type span struct {
		row  int
		name string
	}
	spans := map[string][]span{}
	for f, m := range mods {
		for _, r := range m.Rules {
			spans[f] = append(spans[f], span{r.Location.Row, r.Head.Ref().String()})
		}
		sort.Slice(spans[f], func(i, j int) bool { return spans[f][i].row < spans[f][j].row })
	}
	byRule := map[string]int64{}
	for k, e := range byExpr {
		name := "(query)"
		ss := spans[k.file]
		if i := sort.Search(len(ss), func(i int) bool { return ss[i].row > k.row }); i > 0 {
			name = k.file + " " + ss[i-1].name
		}
		byRule[name] += e.ExprTimeNs
	}
	names := make([]string, 0, len(byRule))
	for n := range byRule {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return byRule[names[i]] > byRule[names[j]] })
	fmt.Fprintf(&sb, "by rule or function:\n")
	for _, n := range names[:min(60, len(names))] {
		fmt.Fprintf(&sb, "  %5.1f%%  %s\n", 100*float64(byRule[n])/float64(total), n)
	}
	exprs := make([]key, 0, len(byExpr))
	for k := range byExpr {
		exprs = append(exprs, k)
	}
	sort.Slice(exprs, func(i, j int) bool { return byExpr[exprs[i]].ExprTimeNs > byExpr[exprs[j]].ExprTimeNs })
	fmt.Fprintf(&sb, "top expressions:\n")
	for _, k := range exprs[:min(200, len(exprs))] {
		e := byExpr[k]
		fmt.Fprintf(&sb, "  %5.1f%%  %s:%d  eval %d redo %d\n", 100*float64(e.ExprTimeNs)/float64(total), k.file, k.row, e.NumEval, e.NumRedo)
	}
	if out := os.Getenv("HARDLINE_REGO_PROFILE_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Log("\n" + sb.String())
}

// processCPU is the process's CPU time (user+sys), GC on other threads
// included.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
