package osrelease

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path"
	"reflect"
	"strings"
	"testing"
)

const alpineRootfs = "../../../../shared/rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"

// rootfsFile returns one file of the real Alpine minirootfs, read in memory.
func rootfsFile(t testing.TB, name string) []byte {
	t.Helper()
	f, err := os.Open(alpineRootfs)
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("../shared not found: real-image fixtures skipped")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			t.Fatalf("%s not in %s", name, alpineRootfs)
		}
		if err != nil {
			t.Fatal(err)
		}
		if path.Clean(strings.TrimPrefix(h.Name, "./")) == name {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
}

func TestAlpineMinirootfs(t *testing.T) {
	got := Parse(rootfsFile(t, "etc/os-release"))
	want := Info{
		ID:         "alpine",
		Name:       "Alpine Linux",
		PrettyName: "Alpine Linux v3.20",
		VersionID:  "3.20.3",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

// The host is the best source of a second real file; it is Debian in CI but
// may be anything on a developer machine, so only invariants are checked.
func TestHostOSRelease(t *testing.T) {
	data, err := os.ReadFile("/etc/os-release")
	if err != nil {
		t.Skip("no /etc/os-release on this machine")
	}
	got := Parse(data)
	if got.ID == "" || got.ID != strings.ToLower(got.ID) {
		t.Fatalf("host ID %q", got.ID)
	}
	if strings.ContainsAny(got.PrettyName, `"'`) {
		t.Fatalf("quotes left in %q", got.PrettyName)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Info
	}{
		{
			name: "debian",
			in: `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`,
			want: Info{ID: "debian", Name: "Debian GNU/Linux", PrettyName: "Debian GNU/Linux 12 (bookworm)",
				Version: "12 (bookworm)", VersionID: "12", VersionCodename: "bookworm"},
		},
		{
			name: "ubuntu id_like",
			in:   "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\nVERSION_CODENAME=noble\n",
			want: Info{ID: "ubuntu", IDLike: []string{"debian"}, Name: "Ubuntu", VersionID: "24.04", VersionCodename: "noble"},
		},
		{
			name: "rhel-like with several id_like, quoted, variant",
			in:   "ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVARIANT=\"Container Image\"\n",
			want: Info{ID: "rocky", IDLike: []string{"rhel", "centos", "fedora"}, Variant: "Container Image"},
		},
		{
			name: "single quotes keep backslashes",
			in:   `NAME='My \"Distro\"'` + "\nID='mine'\n",
			want: Info{ID: "mine", Name: `My \"Distro\"`},
		},
		{
			name: "double-quote escapes",
			in:   `PRETTY_NAME="A \"quoted\" \$name \\ \` + "`x`" + ` C:\dir"` + "\n",
			want: Info{PrettyName: `A "quoted" $name \ ` + "`x`" + ` C:\dir`},
		},
		{
			name: "unquoted backslash and concatenation",
			in:   `NAME=Foo\ Bar"  baz"'!'` + "\n",
			want: Info{Name: "Foo Bar  baz!"},
		},
		{
			name: "comments, blanks, CRLF, indentation, trailing comment",
			in:   "# comment\r\n\r\n   ID=Alpine # trailing\r\n\tVERSION_ID=3.20\r\n",
			want: Info{ID: "alpine", VersionID: "3.20"},
		},
		{
			name: "later assignment wins",
			in:   "ID=first\nID=second\nID_LIKE=a b\nID_LIKE=c\n",
			want: Info{ID: "second", IDLike: []string{"c"}},
		},
		{
			name: "unterminated quotes run to end of line",
			in:   "NAME=\"Broken\nPRETTY_NAME='also broken\nID=ok\n",
			want: Info{ID: "ok", Name: "Broken", PrettyName: "also broken"},
		},
		{
			name: "invalid keys and lines are skipped",
			in:   "1ID=x\nI D=y\n=z\nnot an assignment\nID-LIKE=q\nexport ID=exported\n",
			want: Info{ID: "exported"},
		},
		{
			name: "empty values",
			in:   "ID=\nNAME=\"\"\nID_LIKE=\n",
			want: Info{},
		},
		{name: "empty input", in: "", want: Info{}},
		{name: "binary garbage", in: "\x00\xff\x7fELF\n=\n\"\n", want: Info{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Parse([]byte(tc.in))
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestOverlongLineSkipped(t *testing.T) {
	in := "ID=debian\nNAME=" + strings.Repeat("x", maxLine+1) + "\nVERSION_ID=12\n"
	got := Parse([]byte(in))
	if got.ID != "debian" || got.VersionID != "12" || got.Name != "" {
		t.Fatalf("got %+v", got)
	}
}

func TestIDLikeCapped(t *testing.T) {
	got := Parse([]byte("ID_LIKE=\"" + strings.Repeat("a ", 10000) + "\""))
	if len(got.IDLike) != maxIDLike {
		t.Fatalf("len(IDLike) = %d", len(got.IDLike))
	}
}

func TestJSON(t *testing.T) {
	b, err := json.Marshal(Info{ID: "alpine", VersionID: "3.20.3"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"id":"alpine","version_id":"3.20.3"}`; got != want {
		t.Fatalf("got %s want %s", got, want)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n"))
	f.Add([]byte("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nID_LIKE='a b'\n"))
	f.Add([]byte(`NAME=a\ b"c\"d"'e'` + "\r\n# x\n"))
	if data, err := os.ReadFile("/etc/os-release"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := Parse(data)
		if got.ID != strings.ToLower(got.ID) {
			t.Fatalf("ID not lower-cased: %q", got.ID)
		}
		if len(got.IDLike) > maxIDLike {
			t.Fatalf("IDLike too long: %d", len(got.IDLike))
		}
		for _, s := range got.IDLike {
			if s == "" || strings.ContainsAny(s, " \t\n") {
				t.Fatalf("bad IDLike entry %q", s)
			}
		}
		if again := Parse(data); !reflect.DeepEqual(got, again) {
			t.Fatal("not deterministic")
		}
	})
}
