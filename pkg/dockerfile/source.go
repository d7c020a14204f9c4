package dockerfile

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

var (
	utf8BOM = []byte{0xEF, 0xBB, 0xBF}
	crlf    = []byte("\r\n")
	lf      = []byte("\n")
)

// normalizeSource strips a UTF-8 byte-order mark and turns CRLF line endings
// into LF. BuildKit's parser already ignores both for instructions, but
// heredoc bodies are copied byte for byte, and a stray "\r" at the end of
// every body line would make the shell parser and the secret detector see
// text that no Linux shell runs as written.
func normalizeSource(src []byte) []byte {
	src = bytes.TrimPrefix(src, utf8BOM)
	if bytes.Contains(src, crlf) {
		src = bytes.ReplaceAll(src, crlf, lf)
	}
	return src
}

// sourceText gives line-oriented access to the (normalized) Dockerfile so
// locations can carry columns, which BuildKit's AST does not record.
type sourceText struct {
	text  string
	start []int // byte offset of each line's first byte; start[0] is line 1
}

func newSourceText(src []byte) *sourceText {
	s := &sourceText{text: string(src)}
	s.start = make([]int, 0, bytes.Count(src, lf)+1)
	s.start = append(s.start, 0)
	for i, b := range src {
		if b == '\n' && i+1 <= len(src) {
			s.start = append(s.start, i+1)
		}
	}
	return s
}

// line returns line n (1-based) without its terminator, or "" when n is out
// of range.
func (s *sourceText) line(n int) string {
	if n < 1 || n > len(s.start) {
		return ""
	}
	from := s.start[n-1]
	to := len(s.text)
	if n < len(s.start) {
		to = s.start[n] - 1
	}
	if from > to {
		return ""
	}
	return strings.TrimSuffix(s.text[from:to], "\r")
}

// location builds a Location for the lines [startLine, endLine]: the start
// column is that of the first non-blank character (the keyword), and the end
// column is the length of the last line, both counted in characters (runes)
// and 1-based, so an editor can highlight the whole instruction.
func (s *sourceText) location(startLine, endLine int) Location {
	if endLine < startLine {
		endLine = startLine
	}
	first := s.line(startLine)
	trimmed := strings.TrimLeft(first, " \t\v\f")
	startCol := utf8.RuneCountInString(first[:len(first)-len(trimmed)]) + 1
	endCol := utf8.RuneCountInString(s.line(endLine))
	if endCol < 1 {
		endCol = 1
	}
	if startLine == endLine && endCol < startCol {
		endCol = startCol
	}
	return Location{StartLine: startLine, StartColumn: startCol, EndLine: endLine, EndColumn: endCol}
}

// column converts a byte offset within line n to a 1-based rune column.
func (s *sourceText) column(n, byteOff int) int {
	l := s.line(n)
	if byteOff > len(l) {
		byteOff = len(l)
	}
	if byteOff < 0 {
		byteOff = 0
	}
	return utf8.RuneCountInString(l[:byteOff]) + 1
}

// lineSpan is a single-line Location from a column to the end of the line.
func (s *sourceText) lineSpan(n, col int) Location {
	if col < 1 {
		col = 1
	}
	end := utf8.RuneCountInString(s.line(n))
	if end < col {
		end = col
	}
	return Location{StartLine: n, StartColumn: col, EndLine: n, EndColumn: end}
}
