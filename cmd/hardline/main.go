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
	"syscall"

	"github.com/spf13/cobra"

	"github.com/hardline-dev/hardline/pkg/secrets"
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
	// errIsTerminal says whether err is a terminal (for progress).
	errIsTerminal bool
}

func main() {
	os.Exit(mainCode())
}

func mainCode() int {
	// SIGTERM too: as PID 1 in a container (cmd/hardline/Containerfile) a
	// signal without a handler is ignored, so `docker stop` would hang.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
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
	return run(ctx, os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr, outIsTerminal: isTerminal(os.Stdout), errIsTerminal: isTerminal(os.Stderr)})
}

func run(ctx context.Context, args []string, s streams) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	var ec *exitCode
	if errors.As(err, &ec) {
		if ec.msg != "" {
			// Last line of defence: a message built from input (a path, a
			// flag value) must not carry a credential out.
			fmt.Fprintln(s.err, "hardline: "+secrets.Default().Redact(ec.msg))
		}
		return ec.code
	}
	// Cobra's own errors: unknown command or flag, bad flag value.
	// Point at the help of the command the user was typing, not the root's.
	path := "hardline"
	if cmd != nil {
		path = cmd.CommandPath()
	}
	fmt.Fprintf(s.err, "hardline: %v\nRun '%s --help' for usage.\n", err, path)
	return exitError
}

func newRootCmd(s streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "hardline",
		Short: "Hardening compliance linter for container images and Dockerfiles",
		Long: `hardline checks Dockerfiles against Rego rules mapped to NIST SP 800-190 and
the CIS Docker Benchmark. It catches containers that run as root, build
dependencies and npm left in the final image, a missing init as PID 1, glibc
binaries on musl images, and secrets baked into the build.

Configuration: .hardline.yaml in the working directory or a parent
(docs/configuration.md). CI and pre-commit recipes: docs/ci.md.`,
		Example: `  hardline lint .                                   # every Dockerfile under the current directory
  hardline lint --format sarif -o hardline.sarif .  # for GitHub code scanning
  hardline image app.tar                            # a built image (docker save, OCI, registry)
  hardline rules list                               # the rules, their tags and controls
  source <(hardline completion bash)                # shell completion`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.AddCommand(newLintCmd(s), newImageCmd(s), newFactsCmd(s), newRulesCmd(s), newVersionCmd(s))
	root.AddCommand(newReportCmd(s))
	root.AddCommand(newBaselineCmd(s))
	root.AddCommand(newCompletionCmd(s))
	registerCompletions(root)
	return root
}

// groupRunE makes a command that only groups subcommands reject what cobra
// would otherwise answer with help and exit status 0: a misspelt
// subcommand in a script must fail.
func groupRunE(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return cmd.Help()
	}
	return fail(exitError, "unknown command %q for %q (run '%s --help')", args[0], cmd.CommandPath(), cmd.CommandPath())
}
