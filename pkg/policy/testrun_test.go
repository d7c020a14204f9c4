package policy

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunTests(t *testing.T) {
	files := goodFS()
	files["run_as_root_test.rego"] = `package hardline.rules.run_as_root_test

import data.hardline.rules.run_as_root

test_root_flagged if {
	count(run_as_root.deny) == 1 with input as {"stages": [{"is_final": true, "location": {}}]}
}

test_deliberately_wrong if {
	print("looking at", count(run_as_root.deny))
	count(run_as_root.deny) == 5 with input as {"stages": []}
}

todo_test_later if false
`
	opts := Options{Builtin: mapFS(files)}

	var out bytes.Buffer
	passed, failed, err := RunTests(context.Background(), opts, "", &out, false)
	if err != nil {
		t.Fatal(err)
	}
	if passed != 1 || failed != 1 {
		t.Errorf("passed=%d failed=%d, want 1/1\n%s", passed, failed, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"FAIL  rules/run_as_root_test.rego:9 hardline.rules.run_as_root_test.test_deliberately_wrong",
		"1 skipped\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if !strings.HasSuffix(got, "1 passed, 1 failed\n") {
		t.Errorf("output must end with the summary line:\n%s", got)
	}
	if strings.Contains(got, "PASS") || strings.Contains(got, "looking at") {
		t.Errorf("non-verbose output shows passes or print output:\n%s", got)
	}

	out.Reset()
	if _, _, err := RunTests(context.Background(), opts, "", &out, true); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"PASS  rules/run_as_root_test.rego:5",
		"| looking at 0",
		"SKIP",
		"failed at rules/run_as_root_test.rego:11: count(run_as_root.deny) == 5 with input as {\"stages\": []}",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("verbose output lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	passed, failed, err = RunTests(context.Background(), opts, "root_flagged", &out, false)
	if err != nil || passed != 1 || failed != 0 {
		t.Errorf("filtered: passed=%d failed=%d err=%v\n%s", passed, failed, err, out.String())
	}
}

func TestRunTestsExtraDirAndSandbox(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "mine.rego"), []byte(ruleSpec{pkg: "mine", id: "ACME001"}.source()), 0o644))
	must(os.WriteFile(filepath.Join(dir, "mine_test.rego"), []byte(`package hardline.rules.mine_test

import data.hardline.rules.mine

test_always if count(mine.deny) == 1
`), 0o644))
	var out bytes.Buffer
	passed, failed, err := RunTests(context.Background(), Options{Builtin: mapFS(goodFS()), ExtraDirs: []string{dir}}, "", &out, false)
	if err != nil || passed != 2 || failed != 0 {
		t.Errorf("passed=%d failed=%d err=%v\n%s", passed, failed, err, out.String())
	}

	// Tests run in the sandbox too: no network from a test either.
	must(os.WriteFile(filepath.Join(dir, "net_test.rego"), []byte(`package hardline.rules.net_test

test_net if net.lookup_ip_addr("example.com")
`), 0o644))
	_, _, err = RunTests(context.Background(), Options{NoBuiltin: true, ExtraDirs: []string{dir}}, "", &out, false)
	var le *LoadError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "net_test.rego:3: builtin net.lookup_ip_addr is not allowed") {
		t.Errorf("err = %v", err)
	}
}

func TestRunTestsCompileError(t *testing.T) {
	files := goodFS()
	files["run_as_root_test.rego"] = "package hardline.rules.run_as_root_test\n\ntest_x if nope(1)\n"
	_, _, err := RunTests(context.Background(), Options{Builtin: mapFS(files)}, "", &bytes.Buffer{}, false)
	if err == nil || !strings.Contains(err.Error(), "rules/run_as_root_test.rego:3: undefined function nope") {
		t.Errorf("err = %v", err)
	}
}
