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
#   This rule only applies to images: the file modes are known once the image
#   is built. It evidences NIST SP 800-190 §4.1.2 (image configuration
#   defects); the CIS Docker Benchmark has no control for file modes inside
#   images other than setuid/setgid bits (4.8), so none is mapped.
# custom:
#   id: HL1012
#   name: world-writable-paths
#   severity: medium
#   tags: [filesystem]
#   inputs: [image]
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

import data.hardline.lib.image as img

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
