// Package secrets detects credentials in text and in key/value contexts
// (ENV, ARG, command-line options, URLs) and reports them without ever
// exposing their values: callers only see a masked form and a fingerprint.
package secrets

// Match is one detected secret. It never holds the secret value itself.
type Match struct {
	// Rule is the detector rule that matched, e.g. "aws-access-key-id",
	// "private-key", "basic-auth-url", "generic-assignment".
	Rule string `json:"rule"`
	// Description is a human title for the rule ("AWS access key ID").
	Description string `json:"description"`
	// Masked is a safe representation: the first 4 characters (fewer for
	// short values) followed by "…" and the length, e.g. "AKIA…(20 chars)".
	Masked string `json:"masked"`
	// Fingerprint is a stable hash of the value (sha256, hex, truncated to
	// 16 chars) so baselines and allow-lists can refer to it.
	Fingerprint string `json:"fingerprint"`
	// Line and Column locate the start of the value inside the scanned text
	// (1-based; Line is 1 for single-line values).
	Line   int `json:"line"`
	Column int `json:"column"`
	// Key is the name the value was assigned to when known (ENV/ARG name,
	// option such as "-u", header name, JSON/INI key).
	Key string `json:"key,omitempty"`
	// Confidence is high for provider-specific formats and private keys,
	// medium for context-based hits (credential-named key with a
	// non-placeholder, high-entropy value).
	Confidence string `json:"confidence"`
}
