package passwd

import (
	"archive/tar"
	"bytes"
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

// rootfsFiles returns etc/passwd and etc/group of the real Alpine
// minirootfs, read in memory.
func rootfsFiles(t testing.TB) (passwdData, groupData []byte) {
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
	for passwdData == nil || groupData == nil {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("etc/passwd or etc/group missing: %v", err)
		}
		switch path.Clean(strings.TrimPrefix(h.Name, "./")) {
		case "etc/passwd":
			passwdData, err = io.ReadAll(tr)
		case "etc/group":
			groupData, err = io.ReadAll(tr)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return passwdData, groupData
}

func nonEmptyLines(b []byte) int {
	n := 0
	for _, l := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			n++
		}
	}
	return n
}

func TestAlpineMinirootfs(t *testing.T) {
	pw, gr := rootfsFiles(t)
	users, groups := ParsePasswd(pw), ParseGroup(gr)
	if len(users) != nonEmptyLines(pw) || len(users) != 17 {
		t.Fatalf("%d users from %d lines", len(users), nonEmptyLines(pw))
	}
	if len(groups) != nonEmptyLines(gr) {
		t.Fatalf("%d groups from %d lines", len(groups), nonEmptyLines(gr))
	}
	if got, want := users[0], (User{Name: "root", UID: 0, GID: 0, Home: "/root", Shell: "/bin/sh"}); got != want {
		t.Errorf("root = %+v", got)
	}
	if got, want := users[len(users)-1], (User{Name: "nobody", UID: 65534, GID: 65534, Home: "/", Shell: "/sbin/nologin"}); got != want {
		t.Errorf("nobody = %+v", got)
	}
	if got := groups[1]; got.Name != "bin" || got.GID != 1 || !reflect.DeepEqual(got.Members, []string{"root", "bin", "daemon"}) {
		t.Errorf("bin group = %+v", got)
	}
	if got := groups[5]; got.Name != "tty" || got.Members != nil {
		t.Errorf("tty group = %+v", got)
	}

	notFound := func(r string) Resolved { return Resolved{UID: -1, GID: -1, Reason: r} }
	tests := []struct {
		spec string
		want Resolved
	}{
		{"", Resolved{UID: 0, GID: 0, UIDKnown: true, GIDKnown: true, Name: "root", Group: "root"}},
		{"root", Resolved{UID: 0, GID: 0, UIDKnown: true, GIDKnown: true, Name: "root", Group: "root"}},
		{"0", Resolved{UID: 0, GID: 0, UIDKnown: true, GIDKnown: true, Name: "root", Group: "root"}},
		{"guest", Resolved{UID: 405, GID: 100, UIDKnown: true, GIDKnown: true, Name: "guest", Group: "users"}},
		{"nobody", Resolved{UID: 65534, GID: 65534, UIDKnown: true, GIDKnown: true, Name: "nobody", Group: "nobody"}},
		{"65534", Resolved{UID: 65534, GID: 65534, UIDKnown: true, GIDKnown: true, Name: "nobody", Group: "nobody"}},
		{"1000", Resolved{UID: 1000, GID: 0, UIDKnown: true, GIDKnown: true, Group: "root"}},
		{"+5", Resolved{UID: 5, GID: 0, UIDKnown: true, GIDKnown: true, Name: "sync", Group: "root"}},
		{"1000:1000", Resolved{UID: 1000, GID: 1000, UIDKnown: true, GIDKnown: true}},
		{"guest:1000", Resolved{UID: 405, GID: 1000, UIDKnown: true, GIDKnown: true, Name: "guest"}},
		{"1000:wheel", Resolved{UID: 1000, GID: 10, UIDKnown: true, GIDKnown: true, Group: "wheel"}},
		{"nobody:", Resolved{UID: 65534, GID: 65534, UIDKnown: true, GIDKnown: true, Name: "nobody", Group: "nobody"}},
		{":", Resolved{UID: 0, GID: 0, UIDKnown: true, GIDKnown: true, Name: "root", Group: "root"}},
		{":wheel", Resolved{UID: 0, GID: 10, UIDKnown: true, GIDKnown: true, Name: "root", Group: "wheel"}},
		{"app", notFound(`user "app" not found in /etc/passwd`)},
		{"app:app", notFound(`user "app" not found in /etc/passwd`)},
		{"Root", notFound(`user "Root" not found in /etc/passwd`)},
		{" 0", notFound(`user " 0" not found in /etc/passwd`)},
		{"a:b:c", notFound(`user "a" not found in /etc/passwd`)},
		{"1000:staff", Resolved{UID: 1000, GID: -1, UIDKnown: true, Reason: `group "staff" not found in /etc/group`}},
		{"guest:b:c", Resolved{UID: 405, GID: -1, UIDKnown: true, Name: "guest", Reason: `group "b:c" not found in /etc/group`}},
		{"-1", notFound(`uid "-1" out of range 0-2147483647`)},
		{"2147483648", notFound(`uid "2147483648" out of range 0-2147483647`)},
		{"99999999999999999999999", notFound(`uid "99999999999999999999999" out of range 0-2147483647`)},
		{"guest:-5", Resolved{UID: 405, GID: -1, UIDKnown: true, Name: "guest", Reason: `gid "-5" out of range 0-2147483647`}},
		{"2147483647:2147483647", Resolved{UID: 2147483647, GID: 2147483647, UIDKnown: true, GIDKnown: true}},
	}
	for _, tc := range tests {
		if got := Resolve(tc.spec, users, groups); got != tc.want {
			t.Errorf("Resolve(%q)\n got %+v\nwant %+v", tc.spec, got, tc.want)
		}
	}
}

func TestParsePasswd(t *testing.T) {
	in := "root:x:0:0:root:/root:/bin/bash\n" +
		"+::::::\n-@nisgroup::::::\n+nisuser\n" + // NIS compat
		"# a comment\n\n   \n" +
		"short:x:1\n" + // too few fields
		"neg:x:-1:0::/:/bin/sh\n" +
		"plus:x:+3:0::/:/bin/sh\n" +
		"big:x:2147483648:0::/:/bin/sh\n" +
		"badgid:x:5:abc::/:/bin/sh\n" +
		":x:6:6::/:/bin/sh\n" + // no name
		"max:x:2147483647:2147483647::/:\n" +
		"  spaced:x:7:7::/home/spaced:/bin/sh  \r\n" +
		"partial:x:8:8\n" +
		"colon:x:9:9:gecos:/home/colon:/bin/sh:extra\n" +
		"dup:x:10:10::/first:/bin/sh\n" +
		"dup:x:11:11::/second:/bin/sh\n" +
		"last:x:12:12::/last:/bin/sh" // no final newline
	want := []User{
		{Name: "root", UID: 0, GID: 0, Home: "/root", Shell: "/bin/bash"},
		{Name: "max", UID: 2147483647, GID: 2147483647, Home: "/"},
		{Name: "spaced", UID: 7, GID: 7, Home: "/home/spaced", Shell: "/bin/sh"},
		{Name: "partial", UID: 8, GID: 8},
		{Name: "colon", UID: 9, GID: 9, Home: "/home/colon", Shell: "/bin/sh:extra"},
		{Name: "dup", UID: 10, GID: 10, Home: "/first", Shell: "/bin/sh"},
		{Name: "dup", UID: 11, GID: 11, Home: "/second", Shell: "/bin/sh"},
		{Name: "last", UID: 12, GID: 12, Home: "/last", Shell: "/bin/sh"},
	}
	users := ParsePasswd([]byte(in))
	if !reflect.DeepEqual(users, want) {
		t.Fatalf("got  %+v\nwant %+v", users, want)
	}
	// First match wins, as in getpwnam and runc.
	if got := Resolve("dup", users, nil); got.UID != 10 || got.GID != 10 {
		t.Fatalf("Resolve(dup) = %+v", got)
	}
}

func TestParseGroup(t *testing.T) {
	in := "root:x:0:root\n" +
		"+:::\n-nis:::\n#c\n" +
		"wheel:x:10:root, alice ,,bob\r\n" +
		"empty:x:20:\n" +
		"nomembers:x:21\n" +
		"short:x\n" +
		"bad:x:abc:root\n" +
		"neg:x:-4:\n"
	want := []Group{
		{Name: "root", GID: 0, Members: []string{"root"}},
		{Name: "wheel", GID: 10, Members: []string{"root", "alice", "bob"}},
		{Name: "empty", GID: 20},
		{Name: "nomembers", GID: 21},
	}
	if got := ParseGroup([]byte(in)); !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestNoFiles(t *testing.T) {
	// An image without /etc/passwd (scratch, distroless static without it).
	for spec, want := range map[string]Resolved{
		"":          {UID: 0, GID: 0, UIDKnown: true, GIDKnown: true},
		"65532":     {UID: 65532, GID: 0, UIDKnown: true, GIDKnown: true},
		"65532:123": {UID: 65532, GID: 123, UIDKnown: true, GIDKnown: true},
		"nonroot":   {UID: -1, GID: -1, Reason: `user "nonroot" not found in /etc/passwd`},
	} {
		if got := Resolve(spec, nil, nil); got != want {
			t.Errorf("Resolve(%q) = %+v, want %+v", spec, got, want)
		}
	}
}

func TestCaps(t *testing.T) {
	users := ParsePasswd([]byte(strings.Repeat("u:x:1:1::/:/bin/sh\n", MaxEntries+10)))
	if len(users) != MaxEntries {
		t.Fatalf("%d users", len(users))
	}
	groups := ParseGroup([]byte("g:x:1:" + strings.Repeat("m,", maxMembers+10) + "\n"))
	if len(groups) != 1 || len(groups[0].Members) != maxMembers {
		t.Fatalf("members %d", len(groups[0].Members))
	}
	long := "long:x:1:1::/" + strings.Repeat("h", maxLine) + ":/bin/sh\nok:x:2:2::/:/bin/sh\n"
	if got := ParsePasswd([]byte(long)); len(got) != 1 || got[0].Name != "ok" {
		t.Fatalf("overlong line: %+v", got)
	}
}

func TestJSON(t *testing.T) {
	b, err := json.Marshal(Resolved{UID: -1, GID: -1, Reason: "r"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"uid":-1,"gid":-1,"uid_known":false,"gid_known":false,"reason":"r"}`; got != want {
		t.Fatalf("got %s want %s", got, want)
	}
}

func FuzzResolve(f *testing.F) {
	pw := []byte("root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n+::::::\n")
	gr := []byte("root:x:0:root\napp:x:1000:\nstaff:x:50:app,root\n")
	if _, err := os.Stat(alpineRootfs); err == nil {
		pw, gr = rootfsFiles(f)
	}
	for _, spec := range []string{"", "root", "0", "app", "1000", "app:app", "1000:1000", "app:1000", "1000:staff", ":", "-1", "a:b:c"} {
		f.Add(pw, gr, spec)
	}
	f.Fuzz(func(t *testing.T, pw, gr []byte, spec string) {
		users, groups := ParsePasswd(pw), ParseGroup(gr)
		for _, u := range users {
			if u.Name == "" || u.UID < 0 || u.UID > maxID || u.GID < 0 || u.GID > maxID {
				t.Fatalf("bad user %+v", u)
			}
		}
		for _, g := range groups {
			if g.Name == "" || g.GID < 0 || g.GID > maxID {
				t.Fatalf("bad group %+v", g)
			}
		}
		r := Resolve(spec, users, groups)
		if r.UIDKnown != (r.UID >= 0) || r.GIDKnown != (r.GID >= 0) || r.UID > maxID || r.GID > maxID {
			t.Fatalf("inconsistent %+v", r)
		}
		if (!r.UIDKnown || !r.GIDKnown) != (r.Reason != "") {
			t.Fatalf("reason mismatch %+v", r)
		}
		if !r.UIDKnown && r.GIDKnown {
			t.Fatalf("gid known without uid %+v", r)
		}
		if again := Resolve(spec, users, groups); again != r {
			t.Fatal("not deterministic")
		}
	})
}
