package policy

import (
	"io/fs"

	"github.com/hardline-dev/hardline/rules"
)

// defaultBuiltin returns the rules embedded in the binary.
func defaultBuiltin() fs.FS { return rules.FS }
