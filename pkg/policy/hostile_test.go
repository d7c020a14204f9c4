package policy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// customDir writes one custom rule (as `hardline lint --rules DIR` reads
// them) and returns the directory.
func customDir(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	src := ruleSpec{pkg: "acme_x", id: "ACME001", name: "acme-x", body: body}.source()
	if err := os.WriteFile(filepath.Join(dir, "evil.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCustomRulesRefusedBuiltins: the sandbox applies to --rules
// directories as to the embedded rules, with the custom file's own path
// and line in the message.
func TestCustomRulesRefusedBuiltins(t *testing.T) {
	for name, c := range map[string]struct{ body, want string }{
		"http.send":          {"deny contains {\"msg\": sprintf(\"%v\", [r])} if {\n\tr := http.send({\"method\": \"GET\", \"url\": \"http://169.254.169.254/\"})\n}\n", "evil.rego:15: builtin http.send is not allowed in hardline rules (network access)"},
		"net.lookup_ip_addr": {"deny contains {\"msg\": \"m\"} if {\n\tcount(net.lookup_ip_addr(\"attacker.example\")) > 0\n}\n", "evil.rego:15: builtin net.lookup_ip_addr is not allowed in hardline rules (network access)"},
		"opa.runtime":        {"deny contains {\"msg\": m} if {\n\tm := json.marshal(opa.runtime().env)\n}\n", "evil.rego:15: builtin opa.runtime is not allowed in hardline rules"},
		"in a function":      {"f(x) := http.send(x)\n\ndeny contains {\"msg\": \"m\"} if f({})\n", "evil.rego:14: builtin http.send is not allowed"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := customDir(t, c.body)
			_, err := New(context.Background(), Options{ExtraDirs: []string{dir}, NoBuiltin: true})
			if err == nil {
				t.Fatal("loaded")
			}
			if !strings.Contains(err.Error(), filepath.Join(dir, c.want)) && !strings.Contains(err.Error(), c.want) {
				t.Errorf("error\n%s\ndoes not contain %s", err, c.want)
			}
			if strings.Count(err.Error(), "\n") > 0 {
				t.Errorf("want one line, got\n%s", err)
			}
		})
	}
}

// bigInput is a document of about n nodes, for rules that walk it.
func bigInput(n int) map[string]any {
	items := make([]any, n/4)
	for i := range items {
		items[i] = map[string]any{"a": i, "b": []any{"x", i}}
	}
	return map[string]any{"stages": items}
}

// TestEvaluationBudgetStopsHostileRules: rules that would run for minutes
// or forever, or allocate without end, are stopped by Options.Timeout with
// a message naming the rule, and within a bounded amount of memory.
func TestEvaluationBudgetStopsHostileRules(t *testing.T) {
	cases := map[string]struct {
		body  string
		input map[string]any
	}{
		"numbers.range 1e12":   {body: "deny contains {\"msg\": \"m\"} if count(numbers.range(1, 1e12)) < 0\n"},
		"cross product":        {body: "deny contains {\"msg\": \"m\"} if {\n\tsome i in numbers.range(1, 1e6)\n\tsome j in numbers.range(1, 1e6)\n\ti * j < 0\n}\n"},
		"nested comprehension": {body: "xs := [x | some x in numbers.range(1, 3000)]\nys := [[a, b] | some a in xs; some b in xs]\n\ndeny contains {\"msg\": \"m\"} if count(ys) < 0\n"},
		"walk a big input": {body: "deny contains {\"msg\": \"m\"} if {\n\twalk(input, [p1, _])\n\twalk(input, [p2, _])\n\tcount(p1) + count(p2) < 0\n}\n",
			input: bigInput(200_000)},
		"string doubling": {body: "s(x) := concat(\"\", [x, x])\n\ndeny contains {\"msg\": \"m\"} if {\n" +
			"\ta := s(s(s(s(s(s(s(s(s(s(\"0123456789abcdef\"))))))))))\n" +
			"\tb := s(s(s(s(s(s(s(s(s(s(a))))))))))\n" +
			"\tc := [y | some i in numbers.range(1, 1e9); y := concat(\"\", [b, format_int(i, 10)])]\n" +
			"\tcount(c) < 0\n}\n"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e, err := New(context.Background(), Options{
				ExtraDirs: []string{customDir(t, c.body)}, NoBuiltin: true, Timeout: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			input := c.input
			if input == nil {
				input = map[string]any{}
			}
			var a, b runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&a)
			done := make(chan error, 1)
			go func() {
				_, err := e.Evaluate(context.Background(), "dockerfile", input, nil)
				done <- err
			}()
			select {
			case err = <-done:
			case <-time.After(60 * time.Second):
				t.Fatal("the 200ms budget did not stop the rule within 60s")
			}
			runtime.ReadMemStats(&b)
			if !errors.Is(err, ErrTimeout) {
				t.Fatalf("err = %v, want ErrTimeout", err)
			}
			for _, want := range []string{"ACME001", "evil.rego", "200ms"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			if alloc := b.TotalAlloc - a.TotalAlloc; alloc > 4<<30 {
				t.Errorf("a 200ms budget let the rule allocate %d MiB", alloc>>20)
			} else {
				t.Logf("stopped after allocating %d MiB: %v", alloc>>20, err)
			}
		})
	}
}
