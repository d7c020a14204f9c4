package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// deniedExact lists builtins removed from the rule sandbox, with the reason
// shown to rule authors. Everything whose name starts with a prefix in
// deniedPrefixes is removed as well, so that builtins OPA adds to those
// families later are denied by default.
var deniedExact = map[string]string{
	"http.send":         "network access",
	"opa.runtime":       "exposes the OPA runtime environment",
	"rego.parse_module": "rules must not compile code at evaluation time",
	"rand.intn":         "non-deterministic; findings must be reproducible",
	"uuid.rfc4122":      "non-deterministic; findings must be reproducible",
}

var deniedPrefixes = map[string]string{
	"net.": "network access",
}

// deniedReason returns why the builtin name is not available to rules, or ""
// when it is allowed.
func deniedReason(name string) string {
	if r, ok := deniedExact[name]; ok {
		return r
	}
	for p, r := range deniedPrefixes {
		if strings.HasPrefix(name, p) {
			return r
		}
	}
	return ""
}

// DeniedBuiltins returns the sorted names of the OPA builtins removed from
// the rule sandbox.
func DeniedBuiltins() []string {
	var out []string
	for _, b := range ast.Builtins {
		if deniedReason(b.Name) != "" {
			out = append(out, b.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sandboxCapabilities are this OPA version's capabilities minus the denied
// builtins. The compiler rejects calls to anything not listed, which is the
// actual enforcement; checkDeniedCalls only exists to give a better message.
func sandboxCapabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(caps.Builtins, func(b *ast.Builtin) bool {
		return deniedReason(b.Name) != ""
	})
	// No remote JSON schema fetching by the type checker either.
	caps.AllowNet = []string{}
	return caps
}

// checkDeniedCalls reports every call of a denied builtin in mod as
// "file:line: builtin X is not allowed in hardline rules (reason)". Without
// it the compiler would say "undefined function http.send", which reads like
// a typo rather than a policy decision.
func checkDeniedCalls(mod *ast.Module) []string {
	type hit struct {
		row int
		msg string
	}
	var hits []hit
	report := func(op ast.Ref, loc *ast.Location) {
		if len(op) == 0 {
			return
		}
		if _, isVar := op[0].Value.(ast.Var); !isVar || op[0].Value.Compare(ast.DefaultRootDocument.Value) == 0 {
			return // data.* calls are user functions
		}
		name := op.String()
		reason := deniedReason(name)
		if reason == "" {
			return
		}
		row := 0
		if loc != nil {
			row = loc.Row
		}
		hits = append(hits, hit{row, fmt.Sprintf("%s: builtin %s is not allowed in hardline rules (%s)", locString(loc), name, reason)})
	}
	ast.WalkExprs(mod, func(x *ast.Expr) bool {
		if x.IsCall() {
			report(x.Operator(), x.Location)
		}
		return false
	})
	ast.WalkTerms(mod, func(t *ast.Term) bool {
		if c, ok := t.Value.(ast.Call); ok && len(c) > 0 {
			if ref, ok := c[0].Value.(ast.Ref); ok {
				report(ref, t.Location)
			}
		}
		return false
	})
	// The two walks visit calls in different orders; report by line, once.
	slices.SortStableFunc(hits, func(a, b hit) int { return a.row - b.row })
	var msgs []string
	for _, h := range hits {
		if !slices.Contains(msgs, h.msg) {
			msgs = append(msgs, h.msg)
		}
	}
	return msgs
}

// locString renders an AST location as "file:row", or "file" when the row is
// unknown.
func locString(loc *ast.Location) string {
	if loc == nil {
		return "<unknown>"
	}
	if loc.Row > 0 {
		return fmt.Sprintf("%s:%d", loc.File, loc.Row)
	}
	return loc.File
}
