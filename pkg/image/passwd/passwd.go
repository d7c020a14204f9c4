// Package passwd parses /etc/passwd and /etc/group found in container
// images and resolves an image's configured User the way the container
// runtime will when it starts the container, so that rules can tell which
// UID a container really runs as and whether it can start at all.
//
// Content comes from an untrusted image: malformed lines are skipped, never
// fatal, and output is capped.
package passwd

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// User is one /etc/passwd entry.
type User struct {
	Name  string `json:"name"`
	UID   int    `json:"uid"`
	GID   int    `json:"gid"`
	Home  string `json:"home"`
	Shell string `json:"shell"`
}

// Group is one /etc/group entry.
type Group struct {
	Name    string   `json:"name"`
	GID     int      `json:"gid"`
	Members []string `json:"members"`
}

// Limits on hostile input; real files have tens of entries.
const (
	MaxEntries = 100_000
	maxLine    = 1 << 20
	maxMembers = 10_000
	// maxID is the largest ID runc accepts (it rejects IDs that do not
	// fit in an int32).
	maxID = 1<<31 - 1
)

// ParsePasswd parses /etc/passwd content. Entries keep file order, so
// that lookups can apply getpwnam's first-match rule.
//
// A line needs at least name, password, UID and GID; home and shell may be
// missing, as runc accepts. NIS compat lines (+/-) are skipped: they name
// no local user.
func ParsePasswd(data []byte) []User {
	var users []User
	eachLine(data, func(f []string) bool {
		if len(f) < 4 {
			return true
		}
		uid, ok1 := parseID(f[2])
		gid, ok2 := parseID(f[3])
		if !ok1 || !ok2 {
			return true
		}
		u := User{Name: f[0], UID: uid, GID: gid}
		if len(f) > 5 {
			u.Home = f[5]
		}
		if len(f) > 6 {
			u.Shell = f[6]
		}
		users = append(users, u)
		return len(users) < MaxEntries
	})
	return users
}

// ParseGroup parses /etc/group content, in file order. A line needs a
// name, password and GID; the member list may be missing.
func ParseGroup(data []byte) []Group {
	var groups []Group
	eachLine(data, func(f []string) bool {
		if len(f) < 3 {
			return true
		}
		gid, ok := parseID(f[2])
		if !ok {
			return true
		}
		g := Group{Name: f[0], GID: gid}
		if len(f) > 3 {
			for _, m := range strings.Split(f[3], ",") {
				if m = strings.TrimSpace(m); m != "" && len(g.Members) < maxMembers {
					g.Members = append(g.Members, m)
				}
			}
		}
		groups = append(groups, g)
		return len(groups) < MaxEntries
	})
	return groups
}

// eachLine calls fn with the colon-separated fields of each line that can
// be an entry; fn returns false to stop.
func eachLine(data []byte, fn func(fields []string) bool) {
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
		// glibc and runc both ignore blanks around an entry.
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		switch line[0] {
		case '+', '-', '#':
			continue
		}
		// Seven fields is all either format has; a colon in the last
		// field cannot shift the ones that matter.
		f := strings.SplitN(string(line), ":", 7)
		if f[0] == "" {
			continue
		}
		if !fn(f) {
			return
		}
	}
}

// parseID accepts what runc accepts as an ID in these files: a decimal
// number in the int32 range. Signs are not allowed.
func parseID(s string) (int, bool) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 31)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

// Resolved is the image's configured User as the runtime resolves it.
type Resolved struct {
	// UID is meaningful only when UIDKnown; it is -1 otherwise, so that
	// a careless reader cannot mistake an unknown user for root.
	UID int `json:"uid"`
	// GID is meaningful only when GIDKnown; -1 otherwise.
	GID      int  `json:"gid"`
	UIDKnown bool `json:"uid_known"`
	GIDKnown bool `json:"gid_known"`
	// Name is the passwd name of the user, when there is an entry.
	Name string `json:"name,omitempty"`
	// Group is the group name of GID, when /etc/group has it.
	Group string `json:"group,omitempty"`
	// Reason says why UID or GID is unknown: the container would fail
	// to start.
	Reason string `json:"reason,omitempty"`
}

// Resolve resolves spec, the image config User ("", "app", "1000",
// "app:staff", "1000:1000", ...), against the image's users and groups
// with the rules of runc (github.com/moby/sys/user.GetExecUser), which
// Docker, containerd and CRI-O all use:
//
//   - an empty user means UID 0;
//   - a numeric user is that UID whether or not passwd has it; its GID
//     is the passwd entry's when there is one, otherwise 0;
//   - a named user must exist in passwd (first match wins), or the
//     container fails to start;
//   - without a group, the GID is the passwd entry's primary group;
//   - a numeric group is that GID; a named group must exist in /etc/group;
//   - a number outside 0..2^31-1 fails the start.
//
// users and groups are what ParsePasswd and ParseGroup return. They skip
// malformed lines, which runc instead reads with missing or unparsable
// IDs as 0; a user that only such a line names is reported as not found.
func Resolve(spec string, users []User, groups []Group) Resolved {
	// Only the first colon splits: runc looks a group called "b:c" up by
	// name for "a:b:c", and finds none.
	userArg, groupArg, _ := strings.Cut(spec, ":")
	res := Resolved{UIDKnown: true, GIDKnown: true}

	uid, uidNumeric, uidErr := parseSpecID(userArg)
	if uidErr != "" {
		return Resolved{UID: -1, GID: -1, Reason: "uid " + uidErr}
	}
	var entry *User
	for i := range users {
		u := &users[i]
		if (userArg == "" && u.UID == 0) ||
			(userArg != "" && uidNumeric && u.UID == uid) ||
			(userArg != "" && !uidNumeric && u.Name == userArg) {
			entry = u
			break
		}
	}
	switch {
	case entry != nil:
		res.UID, res.GID, res.Name = entry.UID, entry.GID, entry.Name
	case userArg == "":
		// No root entry: runc keeps its defaults, 0:0.
	case uidNumeric:
		res.UID = uid
	default:
		return Resolved{UID: -1, GID: -1, Reason: fmt.Sprintf("user %q not found in /etc/passwd", userArg)}
	}

	if groupArg != "" {
		gid, gidNumeric, gidErr := parseSpecID(groupArg)
		if gidErr != "" {
			res.GID, res.GIDKnown, res.Reason = -1, false, "gid "+gidErr
			return res
		}
		found := false
		for _, g := range groups {
			if (gidNumeric && g.GID == gid) || (!gidNumeric && g.Name == groupArg) {
				res.GID, found = g.GID, true
				break
			}
		}
		switch {
		case found:
		case gidNumeric:
			res.GID = gid
		default:
			res.GID, res.GIDKnown = -1, false
			res.Reason = fmt.Sprintf("group %q not found in /etc/group", groupArg)
			return res
		}
	}
	for _, g := range groups {
		if g.GID == res.GID {
			res.Group = g.Name
			break
		}
	}
	return res
}

// parseSpecID decides, as runc does, whether a user or group argument is
// numeric: whatever strconv.Atoi accepts (a sign included) is, and a
// number Atoi rejects only for its size is a range error rather than a
// name. errText is non-empty when the runtime would refuse the value.
func parseSpecID(s string) (id int, numeric bool, errText string) {
	if s == "" {
		return 0, false, ""
	}
	n, err := strconv.Atoi(s)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, true, fmt.Sprintf("%q out of range 0-%d", s, maxID)
	case err != nil:
		return 0, false, ""
	case n < 0 || n > maxID:
		return 0, true, fmt.Sprintf("%q out of range 0-%d", s, maxID)
	}
	return n, true, ""
}
