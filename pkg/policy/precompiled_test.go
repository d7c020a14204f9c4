package policy

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/metrics"

	"github.com/hardline-dev/hardline/pkg/policy/internal/astcodec"
	"github.com/hardline-dev/hardline/rules"
)

var update = flag.Bool("update", false, "rewrite pkg/policy/precompiled.bin from the embedded rules")

// TestPrecompiledUpToDate is the freshness check of the committed blob (and,
// with -update, its generator: `make docs`). A stale blob would only make
// start-up slow, since New falls back to the sources, which is exactly why
// it must fail here.
func TestPrecompiledUpToDate(t *testing.T) {
	got, err := buildPrecompiled(rules.FS)
	if err != nil {
		t.Fatal(err)
	}
	again, err := buildPrecompiled(rules.FS)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, again) {
		t.Fatal("building the precompiled rules twice gave different bytes")
	}
	if *update {
		if err := os.WriteFile("precompiled.bin", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, precompiledBlob) {
		t.Fatal("pkg/policy/precompiled.bin is stale: run `make docs` (or go test ./pkg/policy -run TestPrecompiledUpToDate -update)")
	}
	if precompiledRules() == nil {
		t.Fatal("the embedded precompiled rules do not match the embedded rules")
	}
}

// TestPrecompiledIsUsed makes sure the engines the CLI builds come from the
// blob: a silent fallback would only show as a slow start.
func TestPrecompiledIsUsed(t *testing.T) {
	for _, pc := range precompiledConfigs {
		cs, ok, err := fromPrecompiled(pc.kinds, pc.compilers)
		if err != nil || !ok {
			t.Fatalf("kinds %v compilers %d: precompiled rules not usable (ok %v, %v)", pc.kinds, pc.compilers, ok, err)
		}
		if len(cs.compilers) != pc.compilers {
			t.Errorf("kinds %v: %d compilers, want %d", pc.kinds, len(cs.compilers), pc.compilers)
		}
	}
	if _, ok, _ := fromPrecompiled([]string{KindDockerfile, KindImage, "other"}, 1); ok {
		t.Error("an unknown configuration was served from the blob")
	}
}

// TestPrecompiledRunsOnlyIndexStages checks the stage lists against OPA:
// allStages must name every stage OPA runs (a new one must be classified
// before it silently runs on already compiled modules), and the skip list
// must leave exactly the index stages.
func TestPrecompiledRunsOnlyIndexStages(t *testing.T) {
	mod := ast.MustParseModuleWithOpts(`package p
x contains y if { some y in [1, 2]; y > 1 }`, ast.ParserOptions{RegoVersion: ast.RegoV1})
	stageTimers := func(c *ast.Compiler) []string {
		m := metrics.New()
		c.WithMetrics(m).Compile(map[string]*ast.Module{"p.rego": mod.Copy()})
		if c.Failed() {
			t.Fatal(c.Errors)
		}
		var names []string
		for k := range m.All() {
			if strings.HasPrefix(k, "timer_compile_stage_") || strings.HasPrefix(k, "timer_compile_state_") {
				names = append(names, k)
			}
		}
		return names
	}
	if all := stageTimers(newCompiler(false)); len(all) != len(allStages) {
		t.Fatalf("OPA's compiler ran %d stages, allStages lists %d: classify the new stage in pkg/policy/precompiled.go (%v)", len(all), len(allStages), all)
	}
	ran := stageTimers(newCompiler(false).WithSkipStages(precompiledSkipStages()...))
	if len(ran) != len(precompiledStages) {
		t.Fatalf("precompiled compile ran %v, want only the %d index stages", ran, len(precompiledStages))
	}
}

// TestPrecompiledEngineAgrees compares engines read from the blob with
// engines compiled from the sources, for every stored configuration, on the
// fixtures, the examples, a fifth of the corpus and the BusyBox images.
func TestPrecompiledEngineAgrees(t *testing.T) {
	ctx := context.Background()
	in := agreementInputs(t)
	for _, cfg := range []Options{
		{Compilers: 1},
		{Compilers: 2, Kinds: []string{KindDockerfile}},
		{Compilers: 1, Kinds: []string{KindDockerfile}},
		{Compilers: 1, Kinds: []string{KindImage}},
	} {
		pre, err := New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		src := cfg
		src.fromSource = true
		ref, err := New(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		if len(pre.Rules()) != len(ref.Rules()) {
			t.Fatalf("kinds %v: %d rules from the blob, %d from source", cfg.Kinds, len(pre.Rules()), len(ref.Rules()))
		}
		for i, r := range pre.Rules() {
			if r.ID != ref.Rules()[i].ID || r.Title != ref.Rules()[i].Title || r.Enabled != ref.Rules()[i].Enabled || r.Remediation != ref.Rules()[i].Remediation {
				t.Fatalf("kinds %v: rule %d metadata differs: %+v vs %+v", cfg.Kinds, i, r, ref.Rules()[i])
			}
		}
		if len(pre.Examples()) != len(ref.Examples()) {
			t.Fatalf("kinds %v: examples differ", cfg.Kinds)
		}
		label := fmt.Sprintf("kinds %v compilers %d (source vs precompiled)", cfg.Kinds, cfg.Compilers)
		total := in.compare(t, label, ref, pre, cfg.Kinds)
		switch {
		case sameKinds(cfg.Kinds, []string{KindImage}) && len(in.images) == 0:
			t.Logf("no images: %s not compared", label)
		case sameKinds(cfg.Kinds, []string{KindImage}) && total == 0,
			!sameKinds(cfg.Kinds, []string{KindImage}) && total < 100:
			t.Fatalf("%s: only %d results compared", label, total)
		}
	}
}

// TestPrecompiledStaleOrCorrupt: a blob for other rule sources, or a
// damaged one, is refused (New then compiles from source) and never panics.
func TestPrecompiledStaleOrCorrupt(t *testing.T) {
	if _, err := readPrecompiledHeader(precompiledBlob, rules.FS); err != nil {
		t.Fatalf("embedded blob refused: %v", err)
	}
	edited := fstest.MapFS{}
	err := fs.WalkDir(rules.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(rules.FS, p)
		if p == "run_as_root.rego" {
			b = append(b, "\n# edited\n"...)
		}
		edited[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readPrecompiledHeader(precompiledBlob, edited); err == nil || !strings.Contains(err.Error(), "stale") {
		t.Fatalf("blob accepted for edited rules: %v", err)
	}
	for _, n := range []int{0, 5, len(precompiledMagic), len(precompiledMagic) + 3, 200} {
		if _, err := readPrecompiledHeader(precompiledBlob[:n], rules.FS); err == nil {
			t.Errorf("blob cut at %d accepted", n)
		}
	}
}

// TestPrecompiledRoundTrip: the embedded rules, compiled, survive the codec
// unchanged, locations included.
func TestPrecompiledRoundTrip(t *testing.T) {
	cs, err := compileSource(Options{Compilers: 1}, true)
	if err != nil {
		t.Fatal(err)
	}
	var mods []*ast.Module
	for _, m := range cs.compilers[0].Modules {
		mods = append(mods, m)
	}
	enc, err := astcodec.Encode(mods)
	if err != nil {
		t.Fatal(err)
	}
	got, err := astcodec.Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) < 30 || !astcodec.Equal(mods, got) {
		t.Fatalf("%d compiled modules did not survive the round trip", len(mods))
	}
}
