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
#   In a Dockerfile, the mode changes of the final image's chain are read:
#   `chmod u+s`, `chmod +s`, `chmod 4755`, `install -m 4755` and `COPY
#   --chmod=4755`. A setuid bit is reported wherever it is set (on a
#   directory it does nothing, but a build does not set it on one by
#   accident). A setgid bit alone is reported only on files known to be
#   programs (under a bin, sbin or libexec directory): on directories
#   (`chmod g+s /srv/share`, `mkdir -m 2775`) it is the common idiom that
#   makes new files inherit the directory's group, and the target of a
#   chmod is not known to be a file or a directory. Bits cleared or files
#   deleted later in the chain (`chmod u-s`, `find … -perm /6000 -exec chmod
#   a-s`, `rm`) are not reported; builder stages the final image does not
#   inherit are not either.
# custom:
#   id: HL1011
#   name: setuid-setgid-files
#   severity: medium
#   tags: [privilege, filesystem]
#   inputs: [dockerfile, image]
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
import data.hardline.lib.hardening as hd
import data.hardline.lib.image as img

# --- Dockerfiles ----------------------------------------------------------------

deny contains r if {
	some x in hd.final_mode_changes
	mc := x.change
	bits := mode_bits(mc.mode)
	some p in mc.paths
	reported(bits, mc, p)
	not cleared_later(x, p)
	r := {
		"msg": sprintf("%s sets the %s bit on %s in %s: %s", [change_text(mc), bits, p, lib.stage_label(x.stage), bits_effect(bits)]),
		"location": x.instr.location,
		"stage": x.stage,
		"key": sprintf("mode:%s:%s", [mc.mode, p]),
	}
}

# mode_bits(m): which special bits a mode sets.
mode_bits(m) := "setuid+setgid" if {
	sets_setuid(m)
	sets_setgid(m)
} else := "setuid" if {
	sets_setuid(m)
} else := "setgid" if {
	sets_setgid(m)
}

sets_setuid(m) if bits.and(hd.octal_digit(m, 3), 4) == 4

sets_setuid(m) if hd.adds(m, "u", "s")

sets_setgid(m) if bits.and(hd.octal_digit(m, 3), 2) == 2

sets_setgid(m) if hd.adds(m, "g", "s")

# setgid alone: only on programs; never on what mkdir / install -d create.
reported(bits, mc, p) if {
	bits != "setgid"
	not mc.tool == "mkdir"
	not endswith(p, "/")
}

reported("setgid", mc, p) if {
	mc.tool != "mkdir"
	regex.match(`(^|/)(s?bin|libexec)/[^/]+$`, p)
}

bits_effect("setgid") := "the program runs with the file's group whoever starts it"

bits_effect(b) := "the program runs as the file's owner (root, unless chowned) whoever starts it" if b != "setgid"

change_text(mc) := sprintf("COPY --chmod=%s", [mc.mode]) if mc.tool == "copy"

else := sprintf("%s -m %s", [mc.tool, mc.mode]) if mc.tool in {"install", "mkdir"}

else := sprintf("chmod %s", [mc.mode])

# cleared_later(x, p): a later change removes the special bits again, the
# file is deleted, or the whole file system is cleaned with find.
cleared_later(x, p) if {
	some y in hd.final_mode_changes
	hd.later_change(y, x)
	some q in y.change.paths
	hd.covers(trim_right(q, "/"), p)
	clears(y.change.mode)
}

cleared_later(x, p) if hd.removed_later(x, p)

cleared_later(x, _) if {
	some y in lib.final_runs
	some k, c in lib.list(y.instr.run.commands)
	c.name == "find"
	hd.command_after(y, k, x)
	some a in c.args
	regex.match(`^[ugoa]*-[rwxXt]*s[rwxXt]*$`, a)
}

# clears(m): the mode removes the special bits: `u-s`, `a-s`, or a number
# (chmod 755 clears setuid and setgid on a file).
clears(m) if {
	some c in hd.symbolic_clauses(m)
	c.op == "-"
	contains(c.perms, "s")
}

clears(m) if {
	hd.octal_mode(m)
	bits.and(hd.octal_digit(m, 3), 6) == 0
}

# --- images -------------------------------------------------------------------

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
