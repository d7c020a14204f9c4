// Package rules holds hardline's builtin Rego rules (see pkg/policy for the
// rule convention). The files are embedded into the binary, tests included,
// so that `hardline rules test` can run the rule tests without a checkout.
package rules

import "embed"

// FS contains <name>.rego, <name>_test.rego and lib/*.rego.
//
//go:embed *.rego lib/*.rego
var FS embed.FS
