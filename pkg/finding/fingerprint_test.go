package finding

import (
	"fmt"
	"sort"
	"testing"
)

func mk(rule, file, ctx, key string, line int) Finding {
	return Finding{RuleID: rule, File: file, Context: ctx, Key: key, Stage: 1, Location: Location{StartLine: line}}
}

func TestFingerprintStableAcrossLineShiftsAndWhitespace(t *testing.T) {
	a := []Finding{mk("HL1001", "Dockerfile", "USER root", "", 3)}
	b := []Finding{mk("HL1001", "Dockerfile", "USER   root", "", 40)}
	Assign(a)
	Assign(b)
	if a[0].Fingerprint != b[0].Fingerprint {
		t.Fatalf("fingerprint changed with line/whitespace: %s vs %s", a[0].Fingerprint, b[0].Fingerprint)
	}
	if len(a[0].Fingerprint) != 32 {
		t.Fatalf("want 32 hex chars, got %q", a[0].Fingerprint)
	}
}

func TestFingerprintDistinguishes(t *testing.T) {
	fs := []Finding{
		mk("HL1001", "Dockerfile", "USER root", "", 3),
		mk("HL1002", "Dockerfile", "USER root", "", 3),
		mk("HL1001", "other/Dockerfile", "USER root", "", 3),
		mk("HL1001", "Dockerfile", "USER 0", "", 3),
		mk("HL1001", "Dockerfile", "USER root", "k", 3),
		// identical twin on another line: must still get its own fingerprint
		mk("HL1001", "Dockerfile", "USER root", "", 9),
	}
	Assign(fs)
	seen := map[string]int{}
	for i, f := range fs {
		if j, ok := seen[f.Fingerprint]; ok {
			t.Fatalf("findings %d and %d share fingerprint %s", j, i, f.Fingerprint)
		}
		seen[f.Fingerprint] = i
	}
	// The first occurrence keeps the plain fingerprint, so adding a duplicate
	// below does not change the existing one.
	solo := []Finding{mk("HL1001", "Dockerfile", "USER root", "", 3)}
	Assign(solo)
	if solo[0].Fingerprint != fs[0].Fingerprint {
		t.Fatalf("first occurrence fingerprint changed when a twin was added")
	}
}

func TestNamedStageFingerprintIgnoresIndex(t *testing.T) {
	a := Finding{RuleID: "HL1002", File: "D", StageName: "runtime", Stage: 1, Context: "RUN x"}
	b := a
	b.Stage = 4
	fs := []Finding{a}
	gs := []Finding{b}
	Assign(fs)
	Assign(gs)
	if fs[0].Fingerprint != gs[0].Fingerprint {
		t.Fatal("named stage fingerprint depends on stage index")
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]Severity{"info": Info, "LOW": Low, "\tmedium\n": Medium, "high": High, "critical": Critical, "none": Critical + 1} {
		got, err := ParseSeverity(in)
		if err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity accepted an unknown name")
	}
}

// TestImageTwinsNumberedInImageOrder: image findings of one rule and key on
// several history entries share their base hash and are told apart by
// occurrence number, which follows the entries' order in the image (entry 6
// before entry 14, not the text order of their messages), so a finding
// added to a later entry keeps the earlier fingerprints.
func TestImageTwinsNumberedInImageOrder(t *testing.T) {
	hist := func(h int) Finding {
		return Finding{RuleID: "HL1031", File: "app.tar", Key: "pipe:example.com/install.sh", Stage: -1,
			Message: fmt.Sprintf("curl | sh in the RUN of history entry %d", h),
			Image:   &ImageRef{Name: "app.tar", Layer: h, History: h}}
	}
	before := []Finding{hist(6), hist(14)}
	after := []Finding{hist(14), hist(6), hist(20)}
	Assign(before)
	Assign(after)
	fp := func(fs []Finding, h int) string {
		for _, f := range fs {
			if f.Image.History == h {
				return f.Fingerprint
			}
		}
		return ""
	}
	for _, h := range []int{6, 14} {
		if fp(before, h) != fp(after, h) {
			t.Errorf("entry %d: fingerprint changed when entry 20 got the same finding", h)
		}
	}
	sorted := []Finding{hist(14), hist(20), hist(6)}
	sort.SliceStable(sorted, func(i, j int) bool { return Less(&sorted[i], &sorted[j]) })
	if sorted[0].Image.History != 6 || sorted[2].Image.History != 20 {
		t.Errorf("image findings not in image order: %d, %d, %d", sorted[0].Image.History, sorted[1].Image.History, sorted[2].Image.History)
	}
}
