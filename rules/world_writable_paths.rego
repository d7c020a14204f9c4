# METADATA
# title: Image ships world-writable files or directories
# description: |
#   A file or directory that every user may write lets any process in the
#   container, whatever user it runs as, replace application code, plant a
#   library or configuration file the application loads, or tamper with data
#   other processes trust. Images usually get them from a careless
#   `chmod -R 777` meant to fix a permission error at build time. Sticky
#   directories such as /tmp, where users cannot remove each other's files,
#   are not reported. Entries below a reported world-writable directory are
#   counted in its finding rather than reported one by one.
#
#   In a Dockerfile, the mode changes of the final image's chain are read:
#   `chmod 777`, `chmod o+w`, `chmod -R a+rwx`, `mkdir -m 777`, `install -m
#   0777` and `COPY --chmod=777`. Modes with the sticky bit (`chmod 1777`,
#   `+t`), paths deleted later in the chain (a build directory removed in
#   the same RUN), paths made private again by a later chmod, and /dev,
#   /proc and /sys (not part of the image) are not reported; `chmod 777
#   /tmp` is, since it clears the sticky bit /tmp needs. It evidences NIST SP 800-190 §4.1.2 (image configuration
#   defects); the CIS Docker Benchmark has no control for file modes inside
#   images other than setuid/setgid bits (4.8), so none is mapped.
# custom:
#   id: HL1012
#   name: world-writable-paths
#   severity: medium
#   tags: [filesystem]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Give the files to the user that needs to write them instead of to
#     everyone, and keep application code read-only:
#
#         COPY --chown=10001:10001 data/ /app/data/
#         RUN chmod -R u=rwX,go=rX /app
#
#     Directories that several users must share should have the sticky bit
#     (`chmod 1777`). Mount writable paths as volumes or tmpfs at run time
#     and run the container with a read-only root filesystem.
#   examples:
#     bad: |
#       # an image built from this Dockerfile
#       FROM python:3.12-slim
#       COPY . /app
#       RUN chmod -R 777 /app
#       USER 10001
#     good: |
#       # an image built from this Dockerfile
#       FROM python:3.12-slim
#       COPY --chown=root:root . /app
#       RUN mkdir /app/cache && chown 10001 /app/cache
#       USER 10001
package hardline.rules.world_writable_paths

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.hardening as hd
import data.hardline.lib.image as img

# --- Dockerfiles ----------------------------------------------------------------

deny contains r if {
	some x in hd.final_mode_changes
	mc := x.change
	world_writable(mc.mode)
	not sticky(mc.mode)
	some p in mc.paths
	not regex.match(`^/(dev|proc|sys)(/|$)`, p)
	not restricted_later(x, p)
	not hd.removed_later(x, p)
	r := {
		"msg": sprintf("%s makes %s world-writable in %s: any user in the container can %s%s", [change_text(mc), p, lib.stage_label(x.stage), what_can_path(mc), recursive_text(mc)]),
		"location": x.instr.location,
		"stage": x.stage,
		"key": sprintf("mode:%s:%s", [mc.mode, p]),
	}
}

# world_writable(m): the mode gives write permission to others: an octal
# mode whose last digit has the write bit, or `o+w`, `a+rwx`, `ugo=rwx`
# (`+w` without a class follows the umask, which keeps others out).
world_writable(m) if bits.and(hd.octal_digit(m, 0), 2) == 2

world_writable(m) if {
	some c in hd.symbolic_clauses(m)
	c.op in {"+", "="}
	contains(c.perms, "w")
	regex.match(`[oa]`, c.who)
}

sticky(m) if bits.and(hd.octal_digit(m, 3), 1) == 1

sticky(m) if {
	some c in hd.symbolic_clauses(m)
	c.op in {"+", "="}
	contains(c.perms, "t")
}

# restricted_later(x, p): a later mode change of p (or a directory above it,
# recursively) takes the write permission away from others again.
restricted_later(x, p) if {
	some y in hd.final_mode_changes
	hd.later_change(y, x)
	some q in y.change.paths
	covers_change(y.change, trim_right(q, "/"), p)
	not world_writable(y.change.mode)
	removes_other_write(y.change.mode)
}

covers_change(_, q, p) if q == trim_right(p, "/")

covers_change(c, q, p) if {
	c.recursive
	hd.covers(q, p)
}

removes_other_write(m) if hd.octal_mode(m)

removes_other_write(m) if {
	some c in hd.symbolic_clauses(m)
	regex.match(`[oa]`, c.who)
	c.op == "="
}

removes_other_write(m) if {
	some c in hd.symbolic_clauses(m)
	regex.match(`[oa]`, c.who)
	c.op == "-"
	contains(c.perms, "w")
}

change_text(mc) := sprintf("COPY --chmod=%s", [mc.mode]) if mc.tool == "copy"

else := sprintf("%s -m %s", [mc.tool, mc.mode]) if mc.tool in {"install", "mkdir"}

else := sprintf("chmod -R %s", [mc.mode]) if mc.recursive

else := sprintf("chmod %s", [mc.mode])

what_can_path(mc) := "create, replace or delete files in it" if mc.tool == "mkdir"

else := "write to it"

recursive_text(mc) := ", and everything below it" if mc.recursive

else := ""

# --- images -------------------------------------------------------------------

deny contains r if {
	img.is_image
	some top in img.world_writable_top
	e := top.entry
	r := img.finding(
		sprintf("world-writable %s %s (mode %s, owner %d:%d) %s: any user in the container can %s%s", [type_name(e.type), top.path, e.mode, e.uid, e.gid, added_text(e.layer), what_can(e.type), below_text(top.below)]),
		top.path,
		e.layer, -1, top.path,
	)
}

type_name("dir") := "directory"

type_name(t) := t if t != "dir"

what_can("dir") := "create, replace or delete files in it"

what_can(t) := "replace its content" if t != "dir"

added_text(l) := sprintf("added in layer %d", [l]) if l >= 0

else := "in the image"

below_text(0) := ""

below_text(n) := sprintf(", and %d %s below it %s world-writable too", [n, entries_word(n), is_are(n)]) if n > 0

entries_word(1) := "entry"

entries_word(n) := "entries" if n != 1

is_are(1) := "is"

is_are(n) := "are" if n != 1
