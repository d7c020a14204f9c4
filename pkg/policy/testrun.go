package policy

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// RunTests runs the Rego unit tests (test_* rules in _test.rego files) of the
// builtin rules and of opts.ExtraDirs with OPA's test runner, in the same
// sandbox and after the same metadata validation as New, so that
// `hardline rules test` catches everything a scan would reject. filter is a
// regular expression on test names ("" = all). Failures and errors are
// printed to w; verbose also prints passing tests and print() output. The
// last line written is "N passed, M failed". A non-nil error means the tests
// could not run at all; failing tests are reported through failed.
func RunTests(ctx context.Context, opts Options, filter string, w io.Writer, verbose bool) (passed, failed int, err error) {
	srcs, err := sourcesFor(opts)
	if err != nil {
		return 0, 0, err
	}
	rs := load(srcs, true)
	if len(rs.problems) > 0 {
		return 0, 0, &LoadError{Problems: rs.problems}
	}
	for _, warn := range rs.warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	modules := make(map[string]*ast.Module, len(rs.modules))
	for _, sm := range rs.modules {
		modules[sm.name] = sm.mod
	}
	runner := tester.NewRunner().
		SetCompiler(newCompiler(verbose)).
		SetModules(modules).
		CapturePrintOutput(verbose).
		// Traces are only needed to point at the failing expression, and
		// they slow every test down; only pay for them when asked to.
		EnableTracing(verbose).
		SetTimeout(cmp.Or(opts.Timeout, DefaultTimeout)).
		Filter(filter)
	ch, err := runner.RunTests(ctx, nil)
	if err != nil {
		return 0, 0, compileOrRunError(err)
	}
	var results []*tester.Result
	for r := range ch {
		results = append(results, r)
	}
	// Results arrive in completion order; print in a stable one.
	slices.SortFunc(results, func(a, b *tester.Result) int {
		return cmp.Or(strings.Compare(fileOf(a), fileOf(b)), cmp.Compare(rowOf(a), rowOf(b)), strings.Compare(a.Name, b.Name))
	})
	skipped := 0
	for _, r := range results {
		where := fmt.Sprintf("%s:%d", fileOf(r), rowOf(r))
		name := strings.TrimPrefix(r.Package, "data.") + "." + r.Name
		switch {
		case r.Skip:
			skipped++
			if verbose {
				fmt.Fprintf(w, "SKIP  %s %s\n", where, name)
			}
		case r.Error != nil:
			failed++
			fmt.Fprintf(w, "ERROR %s %s: %v\n", where, name, r.Error)
		case r.Fail:
			failed++
			fmt.Fprintf(w, "FAIL  %s %s (%s)\n", where, name, r.Duration)
			if at := failedAt(r); at != "" {
				fmt.Fprintf(w, "      failed at %s\n", at)
			}
		default:
			passed++
			if verbose {
				fmt.Fprintf(w, "PASS  %s %s (%s)\n", where, name, r.Duration)
			}
		}
		if verbose && len(r.Output) > 0 {
			for _, line := range strings.Split(strings.TrimRight(string(r.Output), "\n"), "\n") {
				fmt.Fprintf(w, "      | %s\n", line)
			}
		}
	}
	if skipped > 0 {
		fmt.Fprintf(w, "%d skipped\n", skipped)
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", passed, failed)
	return passed, failed, nil
}

// failedAt finds the last expression of the test's own file that failed in
// the trace: after a test body's failing expression nothing in that file is
// evaluated again, so it is the line to look at.
func failedAt(r *tester.Result) string {
	file := fileOf(r)
	for i := len(r.Trace) - 1; i >= 0; i-- {
		ev := r.Trace[i]
		if ev.Op != topdown.FailOp || ev.Location == nil || ev.Location.File != file {
			continue
		}
		if _, ok := ev.Node.(*ast.Expr); !ok {
			continue
		}
		return fmt.Sprintf("%s:%d: %s", file, ev.Location.Row, strings.TrimSpace(string(ev.Location.Text)))
	}
	return ""
}

func fileOf(r *tester.Result) string {
	if r.Location == nil {
		return ""
	}
	return r.Location.File
}

func rowOf(r *tester.Result) int {
	if r.Location == nil {
		return 0
	}
	return r.Location.Row
}

// compileOrRunError turns compiler errors into a LoadError so that they read
// like load problems ("file:line: message").
func compileOrRunError(err error) error {
	lines := astErrorLines("", err)
	if len(lines) == 1 && strings.HasPrefix(lines[0], ": ") {
		return fmt.Errorf("policy: running tests: %w", err)
	}
	return &LoadError{Problems: lines}
}
