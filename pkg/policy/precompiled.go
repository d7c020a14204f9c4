package policy

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/version"

	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/policy/internal/astcodec"
)

// The embedded rules, compiled ahead of time.
//
// Parsing and compiling ~3,500 lines of Rego was ~90% of a one-Dockerfile
// run (~200 ms of CPU). The compiler's output is an ordinary AST, so `make
// docs` (TestPrecompiledUpToDate) compiles the embedded rules once per
// engine configuration and stores the compiled modules in precompiled.bin;
// at start-up New reads them back and runs only the compiler's index stages
// (precompiledStages): ~40 ms of CPU over two cores instead of ~200.
//
// The blob is keyed by the OPA version and a digest of the embedded rule
// sources: if either differs (a rule edited without regenerating, a
// dependency bump), New compiles from source as before, so a stale blob
// costs speed, never correctness. A change to how hardline itself compiles
// (pruning, stage lists) is not in the key; TestPrecompiledUpToDate, which
// rebuilds the blob and compares bytes, fails on it in `make test`.
//
//go:embed precompiled.bin
var precompiledBlob []byte

// precompiledMagic starts the blob; bump the digit when its layout changes.
const precompiledMagic = "hardline-precompiled-rules/1\n"

// precompiledConfigs are the engine configurations stored: what lint (one
// compiler for batches, two for one or two files), image and the all-kinds
// commands (report, rules) ask for. Each compiler's part is stored on its
// own, with just the library rules its rules use, so that the parts are
// read and indexed concurrently.
var precompiledConfigs = []struct {
	kinds     []string
	compilers int
}{
	{nil, 1},
	{[]string{KindDockerfile}, 1},
	{[]string{KindDockerfile}, 2},
	{[]string{KindImage}, 1},
}

// precompiledHeader is the JSON part of the blob.
type precompiledHeader struct {
	Key     string              `json:"key"`
	Rules   []precompiledRule   `json:"rules"`
	Configs []precompiledConfig `json:"configs"`

	body []byte // the encoded ASTs after the header
}

type precompiledRule struct {
	Rule     finding.Rule `json:"rule"`
	Examples Examples     `json:"examples"`
	Module   string       `json:"module"`
}

type precompiledConfig struct {
	Kinds   []string          `json:"kinds"`
	Dropped []bool            `json:"dropped"` // parallel to Rules
	Parts   []precompiledPart `json:"parts"`   // one per compiler
}

type precompiledPart struct {
	// Modules name the encoded modules in order, rule or library each.
	Modules []precompiledModule `json:"modules"`
	Offset  int                 `json:"offset"` // of the encoded AST after the header
	Length  int                 `json:"length"`
}

type precompiledModule struct {
	Name string `json:"name"`
	Lib  bool   `json:"lib,omitempty"`
}

// precompiledKey identifies what a blob was built from: the OPA version (the
// compiled form is OPA's) and the embedded rule sources.
func precompiledKey(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", err
	}
	return "opa " + version.Version + " rules sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// buildPrecompiled compiles the rules of fsys for every configuration with
// all compiler stages and encodes the result.
func buildPrecompiled(fsys fs.FS) ([]byte, error) {
	key, err := precompiledKey(fsys)
	if err != nil {
		return nil, err
	}
	hdr := precompiledHeader{Key: key}
	var asts []byte
	for ci, pc := range precompiledConfigs {
		rs := load([]source{{fsys: fsys, builtin: true, display: func(p string) string { return "rules/" + p }}}, false)
		if len(rs.problems) > 0 {
			return nil, &LoadError{Problems: rs.problems}
		}
		if ci == 0 {
			for _, m := range rs.rules {
				hdr.Rules = append(hdr.Rules, precompiledRule{Rule: m.rule, Examples: m.examples, Module: m.module.name})
			}
		}
		dropped := make([]bool, len(rs.rules))
		if len(pc.kinds) > 0 {
			dropped = prune(rs, pc.kinds)
			if len(rs.problems) > 0 {
				return nil, &LoadError{Problems: rs.problems}
			}
		}
		cfg := precompiledConfig{Kinds: pc.kinds, Dropped: dropped}
		// The same split and pruning as compileSource, with the stages of
		// its trusted path (validation ran in the tests that build the
		// blob; pruning leaves imports the unused-import check refuses).
		var mu sync.Mutex
		parts := map[*ast.Compiler][]*sourceModule{}
		compilers, _, err := splitCompile(rs.modules, rs.rules, pc.compilers, true, func(mods []*sourceModule) (*ast.Compiler, error) {
			pruneLibrary(mods)
			c, err := compile(mods, false, true)
			mu.Lock()
			parts[c] = mods
			mu.Unlock()
			return c, err
		})
		if err != nil {
			return nil, err
		}
		for p, c := range compilers {
			part := precompiledPart{Offset: len(asts)}
			mods := make([]*ast.Module, 0, len(parts[c]))
			for _, sm := range parts[c] {
				mods = append(mods, c.Modules[sm.name])
				part.Modules = append(part.Modules, precompiledModule{Name: sm.name, Lib: sm.kind == kindLib})
			}
			enc, err := astcodec.Encode(mods)
			if err != nil {
				return nil, fmt.Errorf("compiler %d: %w", p, err)
			}
			part.Length = len(enc)
			asts = append(asts, enc...)
			cfg.Parts = append(cfg.Parts, part)
		}
		hdr.Configs = append(hdr.Configs, cfg)
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		return nil, err
	}
	out := []byte(precompiledMagic)
	out = binary.AppendUvarint(out, uint64(len(js)))
	out = append(out, js...)
	return append(out, asts...), nil
}

// precompiledRules is the parsed header of the embedded blob, checked
// against the embedded rules once per process; nil when the blob does not
// match them.
var precompiledRules = sync.OnceValue(func() *precompiledHeader {
	h, err := readPrecompiledHeader(precompiledBlob, defaultBuiltin())
	if err != nil {
		return nil
	}
	return h
})

func readPrecompiledHeader(blob []byte, fsys fs.FS) (*precompiledHeader, error) {
	rest, ok := bytes.CutPrefix(blob, []byte(precompiledMagic))
	if !ok {
		return nil, errors.New("not a precompiled rule set of this version")
	}
	n, w := binary.Uvarint(rest)
	if w <= 0 || n > uint64(len(rest)-w) {
		return nil, errors.New("corrupt precompiled rule set")
	}
	var h precompiledHeader
	if err := json.Unmarshal(rest[w:w+int(n)], &h); err != nil {
		return nil, fmt.Errorf("corrupt precompiled rule set: %w", err)
	}
	want, err := precompiledKey(fsys)
	if err != nil {
		return nil, err
	}
	if h.Key != want {
		return nil, fmt.Errorf("precompiled rule set is stale (%s, want %s)", h.Key, want)
	}
	body := rest[w+int(n):]
	for _, c := range h.Configs {
		if len(c.Dropped) != len(h.Rules) || len(c.Parts) == 0 {
			return nil, errors.New("corrupt precompiled rule set")
		}
		for _, p := range c.Parts {
			if p.Offset < 0 || p.Length < 0 || p.Offset+p.Length > len(body) {
				return nil, errors.New("corrupt precompiled rule set")
			}
		}
	}
	h.body = body
	return &h, nil
}

// precompiledStages are the compiler stages that build the indices and
// trees evaluation reads. Everything else rewrites or checks modules and
// has already run when the blob was built; running a rewriting stage twice
// is not safe in general, so every other stage is skipped
// (TestPrecompiledRunsOnlyIndexStages checks that no other stage runs).
var precompiledStages = []ast.StageID{
	ast.StageSetModuleTree,
	ast.StageSetRuleTree,
	ast.StageBuildRuleIndices,
	ast.StageBuildComprehensionIndices,
}

// allStages lists every stage of OPA's compiler this code knows about; a
// test fails when OPA adds one, so that it is classified.
var allStages = []ast.StageID{
	ast.StageResolveRefs, ast.StageCheckUnusedImports, ast.StageInitLocalVarGen, ast.StageRewriteRuleHeadRefs,
	ast.StageCheckKeywordOverrides, ast.StageCheckDuplicateImports, ast.StageRemoveImports, ast.StageSetModuleTree,
	ast.StageSetRuleTree, ast.StageRewriteLocalVars, ast.StageRewriteTemplateStrings, ast.StageCheckVoidCalls,
	ast.StageRewritePrintCalls, ast.StageRewriteExprTerms, ast.StageParseMetadataBlocks, ast.StageSetAnnotationSet,
	ast.StageRewriteRegoMetadataCalls, ast.StageSetGraph, ast.StageRewriteComprehensionTerms, ast.StageRewriteRefsInHead,
	ast.StageRewriteWithValues, ast.StageCheckRuleConflicts, ast.StageCheckUndefinedFuncs, ast.StageCheckSafetyRuleHeads,
	ast.StageCheckSafetyRuleBodies, ast.StageRewriteEquals, ast.StageRewriteDynamicTerms, ast.StageRewriteTestRulesForTracing,
	ast.StageCheckRecursion, ast.StageCheckTypes, ast.StageCheckUnsafeBuiltins, ast.StageCheckDeprecatedBuiltins,
	ast.StageBuildRuleIndices, ast.StageBuildComprehensionIndices, ast.StageBuildRequiredCapabilities,
}

func precompiledSkipStages() []ast.StageID {
	return slices.DeleteFunc(slices.Clone(allStages), func(s ast.StageID) bool { return slices.Contains(precompiledStages, s) })
}

// compiledSet is what New needs from either path: rule metadata, the
// compilers holding the rules, and which rules were left out.
type compiledSet struct {
	rules     []ruleMeta
	warnings  []string
	compilers []*ast.Compiler
	ruleComp  []int
	dropped   []bool // nil: none
}

// fromPrecompiled builds the compiled set from the embedded blob for kinds
// split over n compilers; ok is false when the blob has no such
// configuration or does not match the embedded rules.
func fromPrecompiled(kinds []string, n int) (cs *compiledSet, ok bool, err error) {
	h := precompiledRules()
	if h == nil {
		return nil, false, nil
	}
	n = max(1, min(n, len(h.Rules)))
	i := slices.IndexFunc(h.Configs, func(c precompiledConfig) bool { return sameKinds(c.Kinds, kinds) && len(c.Parts) == n })
	if i < 0 {
		return nil, false, nil
	}
	cfg := h.Configs[i]
	cs = &compiledSet{dropped: cfg.Dropped, compilers: make([]*ast.Compiler, n), ruleComp: make([]int, len(h.Rules))}
	// Each part is decoded and indexed on its own goroutine.
	modules := make([]map[string]*sourceModule, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for p, part := range cfg.Parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			modules[p], cs.compilers[p], errs[p] = loadPart(h.body, part)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, false, err
	}
	for ri, r := range h.Rules {
		m := ruleMeta{rule: r.Rule, examples: r.Examples}
		cs.ruleComp[ri] = ri % n
		if !cfg.Dropped[ri] {
			if m.module = modules[ri%n][r.Module]; m.module == nil {
				return nil, false, fmt.Errorf("policy: precompiled rule set lacks %s in part %d", r.Module, ri%n)
			}
		}
		cs.rules = append(cs.rules, m)
	}
	return cs, true, nil
}

// loadPart decodes one compiler's modules and builds that compiler's
// indices.
func loadPart(body []byte, part precompiledPart) (map[string]*sourceModule, *ast.Compiler, error) {
	mods, err := astcodec.Decode(body[part.Offset : part.Offset+part.Length])
	if err != nil {
		return nil, nil, err
	}
	if len(mods) != len(part.Modules) {
		return nil, nil, errors.New("policy: corrupt precompiled rule set")
	}
	byName := make(map[string]*sourceModule, len(mods))
	sms := make([]*sourceModule, len(mods))
	for i, m := range mods {
		kind := kindRule
		if part.Modules[i].Lib {
			kind = kindLib
		}
		sms[i] = &sourceModule{name: part.Modules[i].Name, builtin: true, kind: kind, mod: m}
		byName[sms[i].name] = sms[i]
	}
	c, err := compileWith(sms, newCompiler(false).WithSkipStages(precompiledSkipStages()...))
	if err != nil {
		return nil, nil, err
	}
	return byName, c, nil
}

func sameKinds(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
