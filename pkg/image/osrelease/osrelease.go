// Package osrelease parses os-release files (/etc/os-release,
// /usr/lib/os-release) found in container images, to tell which
// distribution and release an image is built on.
//
// The format is a restricted shell: KEY=value assignments, values optionally
// quoted with " or ', comments and blank lines. The content comes from an
// untrusted image, so Parse never fails: anything it cannot make sense of is
// skipped.
package osrelease

import (
	"bytes"
	"strings"
)

// Info is the subset of os-release that identifies a distribution.
type Info struct {
	// ID is lower-cased: the specification asks for lower case, but images
	// built by hand do not always comply and callers compare it literally.
	ID string `json:"id"`
	// IDLike lists related distributions, closest first (lower-cased).
	IDLike          []string `json:"id_like,omitempty"`
	Name            string   `json:"name,omitempty"`
	PrettyName      string   `json:"pretty_name,omitempty"`
	Version         string   `json:"version,omitempty"`
	VersionID       string   `json:"version_id,omitempty"`
	VersionCodename string   `json:"version_codename,omitempty"`
	Variant         string   `json:"variant,omitempty"`
}

// maxLine bounds a single assignment; real os-release lines are well under
// 200 bytes, so anything longer is hostile or corrupt and is skipped rather
// than copied.
const maxLine = 1 << 20

// maxIDLike caps ID_LIKE so that a hostile value cannot produce a huge
// slice; real files name one to three distributions.
const maxIDLike = 64

// Parse reads os-release content. Later assignments of the same key win, as
// they would when the file is sourced by a shell.
func Parse(data []byte) Info {
	var info Info
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		if len(line) > maxLine {
			continue
		}
		key, value, ok := parseLine(line)
		if !ok {
			continue
		}
		switch key {
		case "ID":
			info.ID = strings.ToLower(value)
		case "ID_LIKE":
			info.IDLike = nil
			for _, f := range strings.Fields(value) {
				if len(info.IDLike) == maxIDLike {
					break
				}
				info.IDLike = append(info.IDLike, strings.ToLower(f))
			}
		case "NAME":
			info.Name = value
		case "PRETTY_NAME":
			info.PrettyName = value
		case "VERSION":
			info.Version = value
		case "VERSION_ID":
			info.VersionID = value
		case "VERSION_CODENAME":
			info.VersionCodename = value
		case "VARIANT":
			info.Variant = value
		}
	}
	return info
}

// parseLine splits one assignment into its key and unquoted value.
func parseLine(line []byte) (key, value string, ok bool) {
	s := strings.TrimRight(string(line), "\r")
	s = strings.TrimLeft(s, " \t")
	if s == "" || s[0] == '#' {
		return "", "", false
	}
	// Some hand-written files say "export KEY=value"; a shell accepts it.
	if rest, found := strings.CutPrefix(s, "export "); found {
		s = strings.TrimLeft(rest, " \t")
	}
	eq := strings.IndexByte(s, '=')
	if eq <= 0 || !validKey(s[:eq]) {
		return "", "", false
	}
	return s[:eq], unquote(s[eq+1:]), true
}

func validKey(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// unquote evaluates a shell word the way sourcing the file would, without
// expansion: adjacent quoted and unquoted parts concatenate and an unquoted
// blank ends the word (so a trailing "# comment" is dropped). An
// unterminated quote runs to the end of the line instead of failing: a
// slightly wrong name is more useful than none.
func unquote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ' ', '\t':
			return b.String()
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				b.WriteString(s[i+1:])
				return b.String()
			}
			b.WriteString(s[i+1 : i+1+end])
			i += end + 1
		case '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				// Inside double quotes a backslash only escapes the
				// characters the shell treats specially there; elsewhere
				// it is kept literally ("C:\dir" stays as written).
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
