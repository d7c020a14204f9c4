# METADATA
# title: Image ships setuid or setgid files
# description: |
#   A set-user-ID (or set-group-ID) executable runs with the privileges of its
#   owner (or group) whatever user starts it; a setuid-root program is the
#   classic way from a compromised unprivileged process to root inside the
#   container. Containers rarely need one: the process already runs as the
#   user it should, and `su`, `passwd` or `mount` are not used at run time.
#   Files added by the image's own build (not owned by an OS package) are
#   reported one by one; the setuid and setgid programs of OS packages are
#   reported in one finding per layer that installed them, so that a stock
#   base image gives one finding. Setgid directories, which only make new
#   files inherit the directory's group, are not reported.
#
#   This rule only applies to images: the file modes are known once the image
#   is built.
# custom:
#   id: HL1011
#   name: setuid-setgid-files
#   severity: medium
#   tags: [privilege, filesystem]
#   inputs: [image]
#   controls:
#     nist-800-190: ["4.1.2"]
#     cis-docker-1.6.0: ["4.8"]
#   remediation: |
#     Remove the special bits in the last build step that runs as root, or do
#     not install the program at all:
#
#         RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true
#
#     Run the container with `--security-opt no-new-privileges` (Kubernetes:
#     `allowPrivilegeEscalation: false`) so that setuid bits have no effect
#     even where they remain.
#   examples:
#     bad: |
#       # an image built from this Dockerfile
#       FROM debian:12-slim
#       COPY netdiag /usr/local/bin/netdiag
#       RUN chmod u+s /usr/local/bin/netdiag
#     good: |
#       # an image built from this Dockerfile
#       FROM debian:12-slim
#       COPY netdiag /usr/local/bin/netdiag
#       RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true
#       USER 10001
package hardline.rules.setuid_setgid_files

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.image as img

# Files the image's own build made setuid/setgid: one finding each.
deny contains r if {
	img.is_image
	some f in special_files
	lib.str(object.get(f, "package", "")) == ""
	r := img.finding(
		sprintf("%s file %s (mode %s) %s, not owned by an OS package: it runs %s whoever starts it", [bits_name(f.mode), f.path, f.mode, added_text(f.layer), privilege_text(f)]),
		f.path,
		f.layer, -1, f.path,
	)
}

# The setuid/setgid programs of OS packages: one finding per layer that
# installed them.
deny contains r if {
	img.is_image
	some l in {f.layer | some f in package_files}
	fs := sort([[f.path, f] | some f in package_files; f.layer == l])
	names := sort({f.package | some x in fs; f := x[1]})
	items := [sprintf("%s (%s, %s)", [x[0], bits_name(x[1].mode), x[1].package]) | some x in img.head(fs, 10)]
	r := img.finding(
		sprintf("%d setuid/setgid %s from OS packages %s: %s%s; remove the special bits or the packages if the container does not need them", [count(fs), files_word(count(fs)), added_text(l), concat(", ", items), img.more(count(fs), 10)]),
		sprintf("package-owned:%s", [concat(",", names)]),
		l, -1, "",
	)
}

# special_files: regular files with the setuid or setgid bit.
special_files := [f |
	some f in lib.list(input.setuid)
	f.type == "file"
]

package_files := [f |
	some f in special_files
	lib.str(object.get(f, "package", "")) != ""
]

# special_digit(mode): the special-bits digit of an octal mode such as
# "4755" (0 when the mode has no such digit).
special_digit(mode) := to_number(substring(mode, count(mode) - 4, 1)) if {
	count(mode) >= 4
	regex.match(`^[0-7]+$`, mode)
} else := 0

bits_name(mode) := "setuid+setgid" if bits.and(special_digit(mode), 6) == 6

else := "setuid" if bits.and(special_digit(mode), 4) == 4

else := "setgid" if bits.and(special_digit(mode), 2) == 2

else := "setuid/setgid"

# privilege_text(f): whose privileges the file runs with.
privilege_text(f) := sprintf("as UID %d and group %d", [f.uid, f.gid]) if {
	bits_name(f.mode) in {"setuid+setgid", "setuid/setgid"}
} else := sprintf("as UID %d", [f.uid]) if {
	bits_name(f.mode) == "setuid"
} else := sprintf("with group %d", [f.gid])

added_text(l) := sprintf("added in layer %d", [l]) if l >= 0

else := "in the image"

files_word(1) := "file"

files_word(n) := "files" if n != 1
