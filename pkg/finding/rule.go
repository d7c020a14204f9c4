package finding

// Rule is the metadata of one rule, read from its `# METADATA` block. The
// policy engine produces it; reporters and the doc generator consume it.
type Rule struct {
	ID          string    `json:"id"`   // e.g. "HL1001"
	Name        string    `json:"name"` // e.g. "run-as-root"
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Severity    Severity  `json:"severity"`
	Tags        []string  `json:"tags"`
	Controls    []Control `json:"controls"`
	Remediation string    `json:"remediation"`
	// Inputs are the document kinds the rule applies to: "dockerfile",
	// "image".
	Inputs []string `json:"inputs"`
	// Enabled is false for rules that are off unless a configuration turns
	// them on (style rules).
	Enabled bool `json:"enabled"`
	// Builtin is false for rules loaded with --rules.
	Builtin bool `json:"builtin"`
	// Package is the Rego package path, e.g. "data.hardline.rules.run_as_root".
	Package string `json:"package"`
	// File is the .rego file the rule came from.
	File    string `json:"file"`
	HelpURI string `json:"help_uri,omitempty"`
}

// DocsBaseURL is where generated rule pages are published; a rule's HelpURI
// is DocsBaseURL + ID + ".md".
const DocsBaseURL = "https://github.com/hardline-dev/hardline/blob/main/docs/rules/"
