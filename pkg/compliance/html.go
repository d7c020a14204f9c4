package compliance

import (
	"embed"
	"html/template"
	"io"
	"strings"
	"time"
)

//go:embed templates/report.html.tmpl
var templateFS embed.FS

// html/template escapes every value by context: file names, messages and
// waiver reasons come from scanned inputs and must never become markup.
var htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"statuses": func() []Status { return Statuses },
	"count":    func(s Summary, st Status) int { return s.Count(st) },
	"join":     strings.Join,
	"digest":   inputDigest,
	"rfc3339":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}).ParseFS(templateFS, "templates/report.html.tmpl"))

func writeHTML(w io.Writer, rep *Report) error {
	return htmlTemplate.Execute(w, rep)
}
