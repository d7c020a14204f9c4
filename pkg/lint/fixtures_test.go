package lint

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hardline-dev/hardline/pkg/config"
	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/policy"
)

var (
	engineOnce sync.Once
	engine     *policy.Engine
	engineErr  error

	// dataEngines have rule settings (data.hardline.config), one per
	// distinct `# trusted-registries:` of the fixtures.
	dataEnginesMu sync.Mutex
	dataEngines   = map[string]*policy.Engine{}
)

// fixtureEngine is the shared engine, or one whose rules see the fixture's
// trusted registries.
func fixtureEngine(t testing.TB, trusted []string) *policy.Engine {
	t.Helper()
	if len(trusted) == 0 {
		return testEngine(t)
	}
	key := strings.Join(trusted, ",")
	dataEnginesMu.Lock()
	defer dataEnginesMu.Unlock()
	if e, ok := dataEngines[key]; ok {
		return e
	}
	cfg := &config.Config{TrustedRegistries: trusted}
	e, err := policy.New(context.Background(), policy.Options{Data: cfg.PolicyData()})
	if err != nil {
		t.Fatalf("loading built-in rules: %v", err)
	}
	dataEngines[key] = e
	return e
}

func testEngine(t testing.TB) *policy.Engine {
	t.Helper()
	engineOnce.Do(func() { engine, engineErr = policy.New(context.Background(), policy.Options{}) })
	if engineErr != nil {
		t.Fatalf("loading built-in rules: %v", engineErr)
	}
	return engine
}

// fixture is a Dockerfile under testdata/rules/<rule>/ annotated with
//
//	# expect: HL1002[,HL1003]   a finding starts on the next instruction line
//	# build-arg: NAME=value     lint with this --build-arg
//	# target: NAME              lint with this --target
//	# trusted-registries: A, B  rules see these trusted-registries
type fixture struct {
	buildArgs map[string]string
	target    string
	trusted   []string
	expect    map[string][]int // rule id → expected start lines
}

func parseFixture(src []byte) (fixture, error) {
	fx := fixture{buildArgs: map[string]string{}, expect: map[string][]int{}}
	var pending []string
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	ln := 0
	for sc.Scan() {
		ln++
		text := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(text, "# expect:"):
			for _, id := range strings.Split(strings.TrimPrefix(text, "# expect:"), ",") {
				if id = strings.TrimSpace(id); id != "" {
					pending = append(pending, id)
				}
			}
		case strings.HasPrefix(text, "# build-arg:"):
			k, v, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(text, "# build-arg:")), "=")
			if !ok {
				return fx, fmt.Errorf("line %d: build-arg wants NAME=value", ln)
			}
			fx.buildArgs[k] = v
		case strings.HasPrefix(text, "# target:"):
			fx.target = strings.TrimSpace(strings.TrimPrefix(text, "# target:"))
		case strings.HasPrefix(text, "# trusted-registries:"):
			for _, r := range strings.Split(strings.TrimPrefix(text, "# trusted-registries:"), ",") {
				if r = strings.TrimSpace(r); r != "" {
					fx.trusted = append(fx.trusted, r)
				}
			}
		case text == "" || strings.HasPrefix(text, "#"):
		default:
			for _, id := range pending {
				fx.expect[id] = append(fx.expect[id], ln)
			}
			pending = nil
		}
	}
	if len(pending) > 0 {
		return fx, fmt.Errorf("'# expect: %s' is not followed by an instruction", strings.Join(pending, ","))
	}
	return fx, sc.Err()
}

// ruleForDir finds the rule a fixture directory is about: its name, with
// either '-' or '_' separators, or its id.
func ruleForDir(eng *policy.Engine, dir string) *finding.Rule {
	want := strings.ReplaceAll(strings.ToLower(dir), "_", "-")
	for _, r := range eng.Rules() {
		if r.Name == want || strings.EqualFold(r.ID, dir) {
			r := r
			return &r
		}
	}
	return nil
}

// TestRuleFixtures runs every annotated fixture through the real facts
// builder and the real engine and compares the findings of the fixture's
// rule, line by line, with the annotations. Negative fixtures simply carry
// no annotation: any finding of the rule in them fails the test.
func TestRuleFixtures(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "rules")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatalf("reading fixtures: %v", err)
	}
	eng := testEngine(t)
	covered := map[string]int{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		rule := ruleForDir(eng, d.Name())
		if rule == nil {
			t.Errorf("testdata/rules/%s: no rule with that name or id", d.Name())
			continue
		}
		files, _ := filepath.Glob(filepath.Join(root, d.Name(), "*"))
		sort.Strings(files)
		for _, file := range files {
			file := file
			t.Run(d.Name()+"/"+filepath.Base(file), func(t *testing.T) {
				src, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				fx, err := parseFixture(src)
				if err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				for id := range fx.expect {
					if id != rule.ID && ruleForDir(eng, id) == nil {
						t.Fatalf("%s: expects unknown rule %s", file, id)
					}
				}
				// The fixture is about its directory's rule: run it even
				// when it is off by default, as `rules.enable` would.
				cfg := &config.Config{Rules: config.Rules{Enable: []string{rule.ID}}}
				l := New(Options{Engine: fixtureEngine(t, fx.trusted), Config: cfg, BuildArgs: fx.buildArgs, Target: fx.target})
				res := l.LintOne(context.Background(), Input{Path: filepath.ToSlash(file), Data: src})
				if len(res.Errors) > 0 {
					t.Fatalf("unexpected errors: %v", res.Errors)
				}
				var got []int
				for _, f := range res.Findings {
					if f.RuleID == rule.ID {
						got = append(got, f.Location.StartLine)
					}
				}
				want := fx.expect[rule.ID]
				sort.Ints(got)
				sort.Ints(want)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					var msgs []string
					for _, f := range res.Findings {
						if f.RuleID == rule.ID {
							msgs = append(msgs, fmt.Sprintf("  line %d: %s", f.Location.StartLine, f.Message))
						}
					}
					t.Errorf("%s findings on lines %v, annotations expect %v\n%s", rule.ID, got, want, strings.Join(msgs, "\n"))
				}
				covered[rule.ID] += len(want)
			})
		}
	}
	// Every built-in rule needs at least one positive end-to-end fixture
	// (only checkable when no -run filter skipped some fixtures).
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" {
		return
	}
	for _, r := range eng.Rules() {
		if r.Builtin && contains(r.Inputs, "dockerfile") && covered[r.ID] == 0 && !t.Failed() {
			t.Errorf("rule %s (%s) has no positive fixture under testdata/rules/", r.ID, r.Name)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestParseFixtureAnnotations(t *testing.T) {
	fx, err := parseFixture([]byte("# build-arg: A=b\n# target: run\nFROM x\n# expect: HL1001, HL1002\n\n# comment\nUSER root\n"))
	if err != nil {
		t.Fatal(err)
	}
	if fx.buildArgs["A"] != "b" || fx.target != "run" || fmt.Sprint(fx.expect["HL1001"]) != "[7]" || fmt.Sprint(fx.expect["HL1002"]) != "[7]" {
		t.Fatalf("parsed %+v", fx)
	}
	if _, err := parseFixture([]byte("FROM x\n# expect: HL1001\n")); err == nil {
		t.Fatal("dangling expect accepted")
	}
}
