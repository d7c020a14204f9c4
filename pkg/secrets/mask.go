package secrets

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strconv"
	"unicode/utf8"
)

// Mask returns a representation of value that is safe to print: at most
// the first four characters (at most a quarter of the value, so short
// secrets reveal little), an ellipsis and the length in characters, e.g.
// "AKIA…(20 chars)".
func Mask(value string) string {
	n := utf8.RuneCountInString(value)
	show := min(4, n/4)
	prefix := value
	for i := range value {
		if show == 0 {
			prefix = value[:i]
			break
		}
		show--
	}
	if n/4 == 0 {
		prefix = ""
	}
	return prefix + "…(" + strconv.Itoa(n) + " chars)"
}

// Fingerprint is a stable identifier of a secret value for baselines and
// allow-lists: the first 16 hex digits of its SHA-256.
func Fingerprint(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])[:16]
}

// shannonEntropy matches gitleaks' definition (counts per rune, divided by
// the byte length), so rule entropy thresholds keep their meaning.
func shannonEntropy(data string) float64 {
	if data == "" {
		return 0
	}
	counts := make(map[rune]int, 32)
	for _, c := range data {
		counts[c]++
	}
	inv := 1.0 / float64(len(data))
	e := 0.0
	for _, c := range counts {
		f := float64(c) * inv
		e -= f * math.Log2(f)
	}
	return e
}
