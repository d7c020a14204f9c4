//go:build e2e

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hardline-dev/hardline/pkg/compliance"
)

// chromiumPath finds headless Chromium (Debian package chromium). Without
// it the test skips, or fails under HARDLINE_E2E_REQUIRE=1 as CI sets.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "headless Chromium not found (apt-get install chromium): the HTML report was not checked in a browser"
	if os.Getenv("HARDLINE_E2E_REQUIRE") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// runChromium runs one headless Chromium command on a file URL with a
// throw-away profile, so nothing outside dir is written.
func runChromium(t *testing.T, bin, dir string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions",
		"--disable-background-networking", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "profile"),
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_CACHE_HOME="+dir)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.String(), errb.String()
}

func TestE2EReportHTMLInChromium(t *testing.T) {
	bin := chromiumPath(t)
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF)
	// A hostile directory name: whatever Chromium renders must be text.
	write(t, dir, "<img src=x onerror=alert(1)>/Dockerfile", cleanDF)
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600")
	if r := hl(t, "report", "--no-config", "--framework", "cis-docker-1.6.0", "-f", "json", "-o", "report.json", "."); r.code != 1 && r.code != 0 {
		t.Fatalf("report exited %d:\n%s", r.code, r.err)
	}
	r := hl(t, "report", "--no-config", "--framework", "cis-docker-1.6.0", "-f", "html", "-o", "report.html", ".")
	if r.code != 1 && r.code != 0 {
		t.Fatalf("report exited %d:\n%s", r.code, r.err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep compliance.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	page := "file://" + filepath.Join(dir, "report.html")

	dom, stderr := runChromium(t, bin, dir, "--dump-dom", page)
	if !strings.Contains(dom, `id="summary-table"`) || !strings.Contains(dom, "</html>") {
		t.Fatalf("the rendered DOM has no summary table:\n%.2000s\nstderr:\n%s", dom, stderr)
	}
	// The summary in the rendered DOM says what the JSON says.
	for _, st := range compliance.Statuses {
		re := regexp.MustCompile(`<span class="status s-` + string(st) + `">` + string(st) + `</span></th><td class="num">(\d+)</td>`)
		m := re.FindStringSubmatch(dom)
		if m == nil || m[1] != fmt.Sprint(rep.Summary.Count(st)) {
			t.Errorf("rendered summary for %s = %v, want %d", st, m, rep.Summary.Count(st))
		}
	}
	if !strings.Contains(dom, "Result: <span class=\"status s-"+string(rep.Summary.Result)) {
		t.Errorf("rendered DOM lacks the result %s", rep.Summary.Result)
	}
	// The hostile name is text, not an element: the DOM Chromium built
	// holds no <img> and no script.
	if strings.Contains(dom, "<img") || strings.Contains(dom, "<script") {
		t.Error("input text became markup in the rendered page")
	}
	if !strings.Contains(dom, "&lt;img src=x onerror=alert(1)&gt;/Dockerfile") {
		t.Error("the hostile input name is not shown as text")
	}
	for _, bad := range []string{"Uncaught", "Failed to load resource", "net::ERR_"} {
		if strings.Contains(stderr, bad) {
			t.Errorf("Chromium reported %q while loading the report:\n%s", bad, stderr)
		}
	}

	// On screen and on paper: a screenshot and a PDF, both kept out of the
	// repository (t.TempDir).
	shot := filepath.Join(dir, "report.png")
	runChromium(t, bin, dir, "--window-size=1280,2000", "--hide-scrollbars", "--screenshot="+shot, page)
	if b, err := os.ReadFile(shot); err != nil || len(b) < 10_000 || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("screenshot missing or empty (%d bytes, %v)", len(b), err)
	}
	pdf := filepath.Join(dir, "report.pdf")
	runChromium(t, bin, dir, "--no-pdf-header-footer", "--print-to-pdf="+pdf, page)
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("printing to PDF failed: %v", err)
	}
	t.Logf("screenshot %s, PDF %d bytes", shot, len(b))
}
