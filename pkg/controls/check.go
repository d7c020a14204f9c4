package controls

import (
	"fmt"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// Check compares rule metadata with the built-in catalogs and returns one
// error per problem, in a stable order: a rule naming a framework or control
// that does not exist, a rule naming a manual control (a mis-mapping: a
// control a static check cannot judge), and an automated (full or partial)
// control that no rule evidences.
func Check(rules []finding.Rule) []error {
	var errs []error
	for _, r := range rules {
		for _, ref := range r.Controls {
			c, err := Get(ref.Framework)
			if err != nil {
				errs = append(errs, fmt.Errorf("rule %s names unknown framework %s", r.ID, ref.Framework))
				continue
			}
			ctl := c.Control(ref.ID)
			switch {
			case ctl == nil:
				errs = append(errs, fmt.Errorf("rule %s names %s %s, which is not in the catalog", r.ID, ref.Framework, ref.ID))
			case !ctl.Automation.Automated():
				errs = append(errs, fmt.Errorf("rule %s names %s %s, which the catalog marks manual: mark it partial or full, or map the rule elsewhere", r.ID, ref.Framework, ref.ID))
			}
		}
	}
	for _, id := range IDs() {
		c, _ := Get(id)
		for i := range c.Controls {
			ctl := &c.Controls[i]
			if ctl.Automation.Automated() && len(c.RulesFor(ctl, rules)) == 0 {
				errs = append(errs, fmt.Errorf("control %s %s is marked %s but no rule evidences it", id, ctl.ID, ctl.Automation))
			}
		}
	}
	return errs
}
