package dockerfile

import (
	"github.com/hardline-dev/hardline/pkg/baseimage"
	"github.com/hardline-dev/hardline/pkg/pkgops"
	"github.com/hardline-dev/hardline/pkg/secrets"
	"github.com/hardline-dev/hardline/pkg/shellcmd"
)

// SchemaVersion identifies the shape of Document. Bump the minor number for
// additive changes and the major number for anything that can break a rule.
// docs/schema/dockerfile-input.v1.json is generated from these types
// (go test ./pkg/dockerfile -run Schema -update).
const SchemaVersion = "hardline.dockerfile/v1.4"

// Document is the Rego input (input.*) for one Dockerfile. Rules query it
// instead of re-parsing text: every value that ARG/ENV expansion can affect
// is given both as written (raw) and as BuildKit would resolve it.
type Document struct {
	SchemaVersion string `json:"schema_version"`
	// Kind is always "dockerfile" (image documents use "image").
	Kind string `json:"kind"`
	// File is the path as given on the command line ("-" for stdin),
	// slash-separated.
	File string `json:"file"`
	// Syntax is the `# syntax=` directive, if any.
	Syntax string `json:"syntax,omitempty"`
	// Escape is the escape character (`\` unless `# escape=` says otherwise).
	Escape string `json:"escape"`
	// BuildArgs are the --build-arg overrides in force.
	BuildArgs map[string]string `json:"build_args"`
	// Target is the --target stage name, if given.
	Target string `json:"target,omitempty"`
	// GlobalArgs are the ARG instructions before the first FROM.
	GlobalArgs []ArgDecl `json:"global_args"`
	// Stages in file order.
	Stages []Stage `json:"stages"`
	// FinalStage is the index of the stage that is built: the --target
	// stage, or the last one.
	FinalStage int `json:"final_stage"`
	// Secrets are credentials detected anywhere in the file (values masked).
	Secrets []SecretFact `json:"secrets"`
	// Warnings are non-fatal problems found while building facts
	// (unresolvable variables, shell parse errors, unknown stage names).
	Warnings []Warning `json:"warnings"`
	// Lint are the warnings of BuildKit's own Dockerfile checks (the rules of
	// its linter package, what `docker build --check` reports), evaluated
	// without a builder: rules that need the build context or a registry
	// (CopyIgnoredFile, InvalidBaseImagePlatform) never appear, and the base
	// image's own ENV is unknown (see LintWarning). The file's `# check=`
	// directive and per-instruction `# check=` comments are applied as
	// BuildKit applies them: skipped rules are absent, experimental rules
	// appear only when enabled. Sorted by location, then rule and message.
	// Added in hardline.dockerfile/v1.1.
	Lint []LintWarning `json:"lint"`
	// Check is the `# check=` directive, if the file has one. Added in
	// hardline.dockerfile/v1.1.
	Check *CheckDirective `json:"check,omitempty"`

	// redactions are the exact secret values found while building the
	// document; never serialised (see Redactions).
	redactions []string
}

// Location is a span in the Dockerfile, 1-based, end inclusive.
type Location struct {
	StartLine   int `json:"start_line"`
	StartColumn int `json:"start_column"`
	EndLine     int `json:"end_line"`
	EndColumn   int `json:"end_column"`
}

// Warning is a non-fatal problem.
type Warning struct {
	Message  string   `json:"message"`
	Location Location `json:"location"`
}

// LintWarning is one warning of a BuildKit Dockerfile check.
type LintWarning struct {
	// Rule is BuildKit's rule name, e.g. "UndefinedVar".
	Rule string `json:"rule"`
	// Description and URL are BuildKit's description of the rule and its
	// documentation page.
	Description string `json:"description"`
	URL         string `json:"url,omitempty"`
	// Message is BuildKit's message for this occurrence. It names variables,
	// stages and instructions, never an ARG or ENV value; a WORKDIR path or
	// EXPOSE entry is quoted after ARG expansion as BuildKit does, and is
	// masked like any other text when it holds a detected secret.
	Message string `json:"message"`
	// Stage is the index of the stage the warning is in, -1 before the first
	// FROM or for the whole file.
	Stage int `json:"stage"`
	// Location is the instruction (or, for MultipleInstructionsDisallowed,
	// the earlier instruction that is overridden), as BuildKit reports it.
	Location Location `json:"location"`
	// BaseEnvUnknown is set on UndefinedVar warnings of stages built from an
	// image: BuildKit would consult the image's ENV, which hardline does not
	// fetch, so the variable may be defined there.
	BaseEnvUnknown bool `json:"base_env_unknown,omitempty"`
}

// CheckDirective is the parsed `# check=` directive (BuildKit's lint
// configuration for the file).
type CheckDirective struct {
	// Raw is the directive value as written.
	Raw string `json:"raw"`
	// Skip lists the rules the file skips; SkipAll is `skip=all`.
	Skip    []string `json:"skip,omitempty"`
	SkipAll bool     `json:"skip_all"`
	// Experimental lists the experimental rules enabled;
	// ExperimentalAll is `experimental=all`.
	Experimental    []string `json:"experimental,omitempty"`
	ExperimentalAll bool     `json:"experimental_all"`
	// Error is `error=true`: BuildKit fails the build when any check warns.
	Error bool `json:"error"`
	// Invalid is set when BuildKit cannot parse the directive (it then fails
	// the build); the checks run with the default configuration.
	Invalid string `json:"invalid,omitempty"`
}

// ArgDecl is one name declared by an ARG instruction.
type ArgDecl struct {
	Name string `json:"name"`
	// HasDefault is true when the ARG gives a default (`ARG X=y`).
	HasDefault bool `json:"has_default"`
	// Default is the default as written (before expansion).
	Default string `json:"default,omitempty"`
	// Value is the value in effect after the declaration: the --build-arg
	// override, else the expanded default, else the inherited global value.
	Value string `json:"value"`
	// Defined is false when the ARG has no default, no override and no
	// global value (it expands to the empty string).
	Defined bool `json:"defined"`
	// Overridden is true when a --build-arg supplied the value.
	Overridden bool `json:"overridden"`
	// SensitiveName is true when the name looks like it holds a credential
	// (secrets.IsCredentialKey): build args end up in the image history.
	SensitiveName bool     `json:"sensitive_name"`
	Location      Location `json:"location"`
}

// BaseRef is the image reference of a FROM instruction.
type BaseRef struct {
	// Raw is the reference as written, e.g. "${BASE}:${TAG}".
	Raw string `json:"raw"`
	// Resolved is Raw after ARG expansion with global ARGs.
	Resolved string `json:"resolved"`
	// Unresolved is true when Resolved still depends on an ARG with no value.
	Unresolved bool `json:"unresolved"`
	// Scratch is true for `FROM scratch`.
	Scratch bool `json:"scratch"`
	// Stage is the index of the earlier stage named by the reference
	// (FROM <stage>), or -1 when it names an image.
	Stage int `json:"stage"`
	// Ref is the parsed image reference (empty for stages and scratch, and
	// when the resolved reference is not a valid image name).
	Ref *baseimage.Ref `json:"ref,omitempty"`
	// Platform is the --platform flag value, if any.
	Platform string `json:"platform,omitempty"`
}

// Stage is one FROM ... build stage.
type Stage struct {
	Index int `json:"index"`
	// Name is the `AS name` alias, lower-cased as BuildKit does; "" if none.
	Name     string   `json:"name"`
	Base     BaseRef  `json:"base"`
	Location Location `json:"location"`
	// IsFinal is true for the stage that is built.
	IsFinal bool `json:"is_final"`
	// Chain lists the stage indexes whose filesystem and config this stage
	// inherits through FROM <stage>, from the root ancestor to this stage
	// itself (so Chain always ends with Index).
	Chain []int `json:"chain"`
	// InFinalChain is true when the final stage inherits this stage's
	// filesystem and configuration (this stage is in the final stage's Chain).
	InFinalChain bool `json:"in_final_chain"`
	// DependsOn are the stages this stage reads from directly: its FROM
	// parent, COPY --from=<stage> and RUN --mount=from=<stage>. Sorted.
	DependsOn []int `json:"depends_on"`
	// NeededByFinal is true when building the final stage requires this
	// stage (the final stage itself, or a transitive dependency of it).
	NeededByFinal bool `json:"needed_by_final"`
	// Image is what is known about the root base image of this stage's
	// Chain (inherited through FROM <stage>); overridable in config.
	Image baseimage.Info `json:"image"`
	// Windows is true when the stage builds a Windows container image. It is
	// true when Image has family or distro windows, and false when Image is
	// a known non-Windows image (scratch included). Otherwise any one of
	// these is enough: the root
	// stage of the Chain is FROM an mcr.microsoft.com/windows* image, or its
	// reference (as resolved, lower-cased) mentions windows, nanoserver,
	// servercore, ltsc20NN or a -nano/:nano tag; the Dockerfile uses the
	// backtick escape directive; the effective SHELL has a program whose base
	// name is cmd, powershell or pwsh (optionally .exe); a RUN of a stage in
	// the Chain runs a Windows command; or the effective ENTRYPOINT (else
	// CMD) starts one. Windows commands are powershell, pwsh, cmd, choco,
	// msiexec, setx, dism, icacls and any *.exe (case-insensitive).
	Windows bool `json:"windows"`
	// Instructions of this stage, after its FROM, in order.
	Instructions []Instruction `json:"instructions"`
	// InstructionIndex maps each instruction keyword (Instruction.Cmd:
	// "run", "copy", "onbuild" ...) to the indexes in Instructions of the
	// instructions of that kind, in order, so that a rule about RUNs looks
	// them up instead of testing every instruction. Added in
	// hardline.dockerfile/v1.2.
	InstructionIndex map[string][]int `json:"instruction_index"`
	// Runtime is the effective runtime configuration at the end of the
	// stage, including what is inherited through FROM <stage>.
	Runtime Runtime `json:"runtime"`
}

// Instruction is one Dockerfile instruction with typed details.
type Instruction struct {
	// Index is the position within the stage (0-based; FROM is not counted).
	Index int `json:"index"`
	// Cmd is the lower-cased instruction keyword: run, copy, add, env, arg,
	// user, cmd, entrypoint, shell, workdir, healthcheck, expose, label,
	// volume, stopsignal, onbuild, maintainer.
	Cmd string `json:"cmd"`
	// Original is the instruction text as written (continuations joined).
	Original string   `json:"original"`
	Location Location `json:"location"`
	// Flags are the raw flags, e.g. ["--from=builder", "--chown=app"].
	Flags []string `json:"flags,omitempty"`
	// Args are the instruction arguments as written.
	Args []string `json:"args"`
	// Expanded are Args after ARG/ENV expansion in this instruction's scope
	// (for instructions BuildKit expands; otherwise equal to Args).
	Expanded []string `json:"expanded"`
	// Form is "exec" or "shell" for RUN, CMD, ENTRYPOINT; "" otherwise.
	Form string `json:"form,omitempty"`
	// Heredocs attached to the instruction (RUN <<EOF, COPY <<EOF dst).
	Heredocs []Heredoc `json:"heredocs,omitempty"`

	Run     *Run         `json:"run,omitempty"`
	Copy    *Copy        `json:"copy,omitempty"`
	Env     []KeyValue   `json:"env,omitempty"`  // ENV and LABEL pairs
	Arg     []ArgDecl    `json:"arg,omitempty"`  // ARG declarations
	User    *UserSpec    `json:"user,omitempty"` // USER
	Exec    *Exec        `json:"exec,omitempty"` // CMD, ENTRYPOINT, SHELL
	Health  *Healthcheck `json:"health,omitempty"`
	Expose  []Port       `json:"expose,omitempty"`
	Workdir string       `json:"workdir,omitempty"` // resolved WORKDIR path
	// OnBuild is the trigger instruction of ONBUILD.
	OnBuild *Instruction `json:"onbuild,omitempty"`
}

// Heredoc is a here-document body.
type Heredoc struct {
	Name    string `json:"name"`
	Content string `json:"content"`
	// Expand is false for quoted delimiters (<<'EOF'), whose body is literal.
	Expand bool `json:"expand"`
	// StartLine is the Dockerfile line of the first body line.
	StartLine int `json:"start_line"`
}

// KeyValue is an ENV or LABEL pair.
type KeyValue struct {
	Key   string `json:"key"`
	Raw   string `json:"raw"`   // as written
	Value string `json:"value"` // expanded
}

// UserSpec is a USER instruction.
type UserSpec struct {
	Raw   string `json:"raw"`
	Value string `json:"value"` // expanded "user[:group]"
	User  string `json:"user"`  // part before ':'
	Group string `json:"group,omitempty"`
	// Unresolved is true when the value depends on an undefined variable.
	Unresolved bool `json:"unresolved"`
}

// Run is the typed content of a RUN instruction.
type Run struct {
	// Script is the shell text executed (heredoc bodies included for
	// `RUN <<EOF` forms), or the exec-form argv joined by spaces.
	Script string `json:"script"`
	// Mounts are the --mount flags.
	Mounts []Mount `json:"mounts,omitempty"`
	// Network and Security are the --network and --security flags.
	Network  string `json:"network,omitempty"`
	Security string `json:"security,omitempty"`
	// Commands are the simple commands executed, in order (see shellcmd).
	Commands []shellcmd.Command `json:"commands"`
	// CommandIndex maps each program name (Command.Name) to the indexes in
	// Commands of the commands that run it, in order, so that a rule looking
	// for a few programs looks them up instead of scanning every command.
	// Added in hardline.dockerfile/v1.2.
	CommandIndex map[string][]int `json:"command_index"`
	// Piped lists the indexes in Commands of the commands whose standard
	// output feeds a pipe (PipePos < PipeLen-1: every element of a pipeline
	// but the last), in order; empty when the RUN has no pipeline. Added in
	// hardline.dockerfile/v1.2.
	Piped []int `json:"piped"`
	// Packages are the package-manager operations among Commands.
	Packages []pkgops.Op `json:"packages"`
	// URLs are the URLs (scheme://...) the RUN mentions, sorted and
	// de-duplicated: those in the (expanded) Argv words of Commands, plus
	// those of the raw Script text (which also catches URLs kept in shell
	// variables) that are not just the unexpanded form of one of the former
	// (a raw URL whose $VAR / ${VAR} references, read as wildcards, match a
	// command URL is left out). A URL ends at whitespace, a quote or one of
	// | ; & ) < >.
	URLs []string `json:"urls"`
	// Vars are the variables referenced in the script.
	Vars []string `json:"vars,omitempty"`
	// BuildArgsUsed are Vars that are build ARGs in scope at this RUN
	// (their values are recorded in the image history).
	BuildArgsUsed []string `json:"build_args_used,omitempty"`
	// BuildArgsInScope are all build ARGs in scope at this RUN that have a
	// value, in declaration order (including ARGs inherited through FROM
	// <stage>): BuildKit records every one of them, referenced or not, in the
	// image history entry (created_by) of the RUN.
	BuildArgsInScope []string `json:"build_args_in_scope"`
	// ParseError is set when the script is not valid shell.
	ParseError string `json:"parse_error,omitempty"`
	// Shell is the SHELL in force for a shell-form RUN (the stage's or an
	// inherited SHELL instruction, else the default); empty for exec form.
	// Added in hardline.dockerfile/v1.1.
	Shell []string `json:"shell,omitempty"`
}

// Mount is one RUN --mount flag.
type Mount struct {
	Type     string `json:"type"` // bind, cache, tmpfs, secret, ssh
	From     string `json:"from,omitempty"`
	Source   string `json:"source,omitempty"`
	Target   string `json:"target,omitempty"`
	ID       string `json:"id,omitempty"`
	Env      string `json:"env,omitempty"`
	Required bool   `json:"required,omitempty"`
	// FromStage is the index of the stage named by From, or -1.
	FromStage int `json:"from_stage"`
	// FromKind and StageSuggestion: see Copy. Added in hardline.dockerfile/v1.1.
	FromKind        string `json:"from_kind,omitempty"`
	StageSuggestion string `json:"stage_suggestion,omitempty"`
	// FromRef: see Copy. Added in hardline.dockerfile/v1.3.
	FromRef *baseimage.Ref `json:"from_ref,omitempty"`
}

// Copy is the typed content of COPY and ADD.
type Copy struct {
	Sources []string `json:"sources"` // expanded
	Dest    string   `json:"dest"`    // expanded
	From    string   `json:"from,omitempty"`
	// FromStage is the index of the stage named by --from, or -1 when
	// --from is absent or names an image.
	FromStage int `json:"from_stage"`
	// FromKind says how BuildKit resolves From: "stage" (FromStage is set;
	// the stage may be defined after this one, which BuildKit rejects for
	// COPY), "image" (no stage has that name, so it is pulled as an image),
	// "missing-index" (a number that is no stage index: the build fails),
	// "self" (this instruction's own stage: a circular dependency), or
	// "variable" (contains $, which BuildKit does not expand in --from).
	// Empty when From is empty. Added in hardline.dockerfile/v1.1.
	FromKind string `json:"from_kind,omitempty"`
	// StageSuggestion is set when FromKind is "image" and From is a near miss
	// (edit distance below 3, as BuildKit's suggestions) of a stage name of
	// this Dockerfile: likely a typo that silently pulls an image. Added in
	// hardline.dockerfile/v1.1.
	StageSuggestion string `json:"stage_suggestion,omitempty"`
	// FromRef is From parsed as an image reference when FromKind is "image"
	// and From is a valid one: the build pulls it like a base image. Added
	// in hardline.dockerfile/v1.3.
	FromRef *baseimage.Ref `json:"from_ref,omitempty"`
	Chown   string         `json:"chown,omitempty"`
	Chmod   string         `json:"chmod,omitempty"`
	Link    bool           `json:"link,omitempty"`
}

// Exec is a CMD, ENTRYPOINT or SHELL value.
type Exec struct {
	Form string   `json:"form"` // "exec" or "shell"
	Args []string `json:"args"` // exec-form argv, or the single shell string
	// Argv is what the container actually executes: for shell form the
	// stage's SHELL (default ["/bin/sh","-c"]) plus the string.
	Argv []string `json:"argv"`
	// Stage and Location say where it was set (it may be inherited).
	Stage    int      `json:"stage"`
	Location Location `json:"location"`
}

// Healthcheck is a HEALTHCHECK instruction.
type Healthcheck struct {
	None     bool     `json:"none"` // HEALTHCHECK NONE
	Test     []string `json:"test,omitempty"`
	Stage    int      `json:"stage"`
	Location Location `json:"location"`
}

// Port is one EXPOSE entry.
type Port struct {
	Port     int      `json:"port"`     // 0 when unresolvable
	EndPort  int      `json:"end_port"` // for ranges, else equal to Port
	Protocol string   `json:"protocol"` // tcp or udp
	Raw      string   `json:"raw"`
	Stage    int      `json:"stage"`
	Location Location `json:"location"`
}

// Runtime is the effective configuration of an image built from a stage.
type Runtime struct {
	// User is the effective USER, or nil when no stage in the Chain sets
	// one (the base image default applies; see Stage.Image.User).
	User       *EffectiveUser `json:"user" jsonschema:"nullable"`
	Entrypoint *Exec          `json:"entrypoint" jsonschema:"nullable"`
	// Cmd is reset when a later ENTRYPOINT in the chain is set, as BuildKit
	// does.
	Cmd     *Exec             `json:"cmd" jsonschema:"nullable"`
	Shell   []string          `json:"shell"`
	Workdir string            `json:"workdir"`
	Env     map[string]string `json:"env"`
	Health  *Healthcheck      `json:"healthcheck" jsonschema:"nullable"`
	Expose  []Port            `json:"expose"`
}

// EffectiveUser is the USER in force and where it was set.
type EffectiveUser struct {
	UserSpec
	Stage    int      `json:"stage"`
	Location Location `json:"location"`
}

// SecretFact is a credential found in the Dockerfile. Values are masked.
type SecretFact struct {
	secrets.Match
	// Source says where: env, arg, label, run, heredoc, copy-heredoc, add
	// (a remote ADD source with credentials), cmd, entrypoint, healthcheck,
	// onbuild.
	Source   string   `json:"source"`
	Stage    int      `json:"stage"` // -1 for global ARGs
	Location Location `json:"location"`
	// Instruction is the index of the instruction in its stage (-1 for FROM
	// and global ARGs).
	Instruction int `json:"instruction"`
}

// Redactions returns the exact secret values detected in the Dockerfile,
// longest first, so that a caller can mask them in anything derived from
// the document (rule messages, errors). They must never be printed.
func (d *Document) Redactions() []string { return d.redactions }
