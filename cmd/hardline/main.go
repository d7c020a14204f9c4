// Command hardline is a hardening compliance linter for containers: it
// checks Dockerfiles against Rego rules mapped to NIST SP 800-190 and the CIS
// Docker Benchmark. This file only wires flags to the packages under pkg/.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// Exit codes are part of the interface: CI gates depend on them.
const (
	exitOK       = 0
	exitFindings = 1
	exitError    = 2
)

// exitCode carries an exit code through cobra without printing twice.
type exitCode struct {
	code int
	msg  string
}

func (e *exitCode) Error() string { return e.msg }

func fail(code int, format string, a ...any) error {
	return &exitCode{code: code, msg: fmt.Sprintf(format, a...)}
}

type streams struct {
	in       io.Reader
	out, err io.Writer
	// outIsTerminal says whether out is a terminal (for colour decisions).
	outIsTerminal bool
}

func main() {
	os.Exit(mainCode())
}

func mainCode() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// Whole-process profiles for docs/performance.md work; not a flag
	// because it is a developer tool, not part of the interface.
	if path := os.Getenv("HARDLINE_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if err := pprof.StartCPUProfile(f); err == nil {
				defer func() {
					pprof.StopCPUProfile()
					f.Close()
				}()
			}
		}
	}
	return run(ctx, os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr, outIsTerminal: isTerminal(os.Stdout)})
}

func run(ctx context.Context, args []string, s streams) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ec *exitCode
	if errors.As(err, &ec) {
		if ec.msg != "" {
			fmt.Fprintln(s.err, "hardline: "+ec.msg)
		}
		return ec.code
	}
	// Cobra's own errors: unknown command or flag, bad flag value.
	fmt.Fprintf(s.err, "hardline: %v\nRun 'hardline --help' for usage.\n", err)
	return exitError
}

func newRootCmd(s streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "hardline",
		Short: "Hardening compliance linter for container images and Dockerfiles",
		Long: `hardline checks Dockerfiles against Rego rules mapped to NIST SP 800-190 and
the CIS Docker Benchmark. It catches containers that run as root, build
dependencies and npm left in the final image, a missing init as PID 1, glibc
binaries on musl images, and secrets baked into the build.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.AddCommand(newLintCmd(s), newImageCmd(s), newFactsCmd(s), newRulesCmd(s), newVersionCmd(s))
	return root
}
