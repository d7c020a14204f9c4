package policy

import (
	"strings"
	"testing"
)

// TestPruneReportsRuleWithoutDeny: a rule that claims Dockerfile input but
// whose every deny branch needs the image library would silently never
// fire in a Dockerfile-only engine; prune must say so. A rule with an image
// branch and a Dockerfile branch is pruned quietly.
func TestPruneReportsRuleWithoutDeny(t *testing.T) {
	lib := "package hardline.lib.image\n\nis_image if input.kind == \"image\"\n\nfiles := input.files if is_image\n"
	both := ruleSpec{pkg: "both", id: "HL9001", inputs: "[dockerfile, image]", body: `import data.hardline.lib.image as img

deny contains {"msg": "image"} if {
	some f in img.files
	f.mode == 511
}

deny contains {"msg": "dockerfile"} if input.kind == "dockerfile"
`}
	imageOnly := ruleSpec{pkg: "imageonly", id: "HL9002", name: "image-only", inputs: "[dockerfile, image]", body: `import data.hardline.lib.image as img

deny contains {"msg": "image"} if {
	some f in img.files
	f.mode == 511
}
`}
	for _, tc := range []struct {
		name  string
		rules []ruleSpec
		want  string
	}{
		{"image and dockerfile branches", []ruleSpec{both}, ""},
		{"image branches only", []ruleSpec{both, imageOnly}, "imageonly.rego:12: every deny branch uses the image library, so the rule never fires for dockerfile input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"lib/image.rego": lib}
			for _, r := range tc.rules {
				files[r.pkg+".rego"] = r.source()
			}
			rs := load([]source{{fsys: mapFS(files), builtin: true, display: func(p string) string { return p }}}, false)
			if len(rs.problems) > 0 {
				t.Fatal(rs.problems)
			}
			prune(rs, []string{KindDockerfile})
			got := strings.Join(rs.problems, "\n")
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
		})
	}
}
