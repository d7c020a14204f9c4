package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
)

// Normalize collapses whitespace so that re-indenting or re-wrapping an
// instruction does not change the fingerprint of findings that point at it.
func Normalize(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// base hashes everything that identifies a finding except its position, so
// that inserting lines above it keeps the fingerprint stable.
func base(f *Finding) string {
	h := sha256.New()
	file := f.File
	if f.Image != nil && f.Location.StartLine == 0 {
		// Not mapped to a Dockerfile line: the same image read from an
		// archive, a layout or a registry, under any tag, must give the
		// same fingerprints so that one baseline serves every way of
		// scanning it. The path in the image is part of Context.
		file = "image"
	}
	for _, part := range []string{"hardline/v1", f.RuleID, file, f.StageName, strconv.Itoa(stageOrdinal(f)), Normalize(f.Context), f.Key} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// stageOrdinal only distinguishes stages that have no name; named stages are
// identified by name so that inserting a stage above keeps fingerprints.
func stageOrdinal(f *Finding) int {
	if f.StageName != "" {
		return -2
	}
	return f.Stage
}

// Assign sets Fingerprint on every finding. Findings that are otherwise
// identical (same rule, file, stage, instruction text and key — e.g. the same
// RUN line repeated twice) get an occurrence suffix in file order so each
// fingerprint stays unique.
func Assign(fs []Finding) {
	idx := make([]int, len(fs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return Less(&fs[idx[a]], &fs[idx[b]]) })
	seen := map[string]int{}
	for _, i := range idx {
		b := base(&fs[i])
		n := seen[b]
		seen[b] = n + 1
		if n > 0 {
			sum := sha256.Sum256([]byte(b + "#" + strconv.Itoa(n)))
			b = hex.EncodeToString(sum[:])
		}
		fs[i].Fingerprint = b[:32]
	}
}

// Less is the canonical report order: file, position, rule, then for image
// findings the layer, history entry and path in the image, then message and
// key. Ordering image findings by where they are in the image, not by their
// text, keeps the occurrence numbers Assign gives otherwise identical
// findings in image order ("entry 6" before "entry 14"), so a finding added
// to a later entry does not renumber the earlier ones.
func Less(a, b *Finding) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Location.StartLine != b.Location.StartLine {
		return a.Location.StartLine < b.Location.StartLine
	}
	if a.Location.StartColumn != b.Location.StartColumn {
		return a.Location.StartColumn < b.Location.StartColumn
	}
	if a.RuleID != b.RuleID {
		return a.RuleID < b.RuleID
	}
	if a.Image != nil && b.Image != nil {
		if a.Image.Layer != b.Image.Layer {
			return a.Image.Layer < b.Image.Layer
		}
		if a.Image.History != b.Image.History {
			return a.Image.History < b.Image.History
		}
		if a.Image.Path != b.Image.Path {
			return a.Image.Path < b.Image.Path
		}
	}
	if a.Message != b.Message {
		return a.Message < b.Message
	}
	return a.Key < b.Key
}
