package compliance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats of Write.
const (
	FormatJSON     = "json"
	FormatMarkdown = "md"
	FormatHTML     = "html"
	FormatOSCAL    = "oscal"
)

// Formats lists the accepted formats.
func Formats() []string { return []string{FormatJSON, FormatMarkdown, FormatHTML, FormatOSCAL} }

// Write renders rep in format to w. The document is built in memory first,
// so an error never leaves half a report behind.
func Write(w io.Writer, format string, rep *Report) error {
	if rep == nil {
		return fmt.Errorf("compliance: nil report")
	}
	var buf bytes.Buffer
	var err error
	switch strings.ToLower(strings.TrimSpace(format)) {
	case FormatJSON:
		err = writeJSON(&buf, rep)
	case FormatMarkdown, "markdown":
		err = writeMarkdown(&buf, rep)
	case FormatHTML:
		err = writeHTML(&buf, rep)
	case FormatOSCAL:
		err = writeOSCAL(&buf, rep)
	default:
		return fmt.Errorf("compliance: unknown format %q (want %s)", format, strings.Join(Formats(), ", "))
	}
	if err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func writeJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Messages quote Dockerfile text; keep <, > and & readable.
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}
