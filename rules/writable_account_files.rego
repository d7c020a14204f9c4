# METADATA
# title: /etc/passwd, /etc/shadow or /etc/group writable by non-root
# description: |
#   A process that can write /etc/passwd can give any account UID 0, or add
#   one; with /etc/shadow or /etc/group it can set a known password or join
#   a privileged group. Inside the container this turns a non-root
#   compromise into root (`su`, setuid programs and sshd all trust these
#   files). Images get them from the OpenShift recipe for arbitrary UIDs
#   (`chmod g=u /etc/passwd`, the container's random UID runs in group 0),
#   from `chmod -R g+w /etc` or `chmod 666`, and from handing the files to
#   the application user.
#
#   In a Dockerfile, the RUNs of the final image's chain are checked for
#   chmod modes that give the group or others write permission on the
#   files (directly, through a glob, or recursively on /etc or /), chown of
#   them to a user other than root, and COPY/ADD that write them with such
#   --chmod or --chown. In a built image, the owner and mode of the files
#   themselves (symlinks followed) are checked: writable by group or
#   others, or owned by a non-root user.
# custom:
#   id: HL1021
#   name: writable-account-files
#   severity: high
#   tags: [privilege, filesystem]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Keep the account files owned by root and writable by root only
#     (`chmod 644 /etc/passwd /etc/group`, `chmod 640 /etc/shadow`). Create
#     the users the image needs at build time; for arbitrary UIDs, use
#     nss_wrapper (or a runtime that injects the passwd entry, as OpenShift
#     4 and Podman do) rather than a writable /etc/passwd.
#   examples:
#     bad: |
#       FROM registry.access.redhat.com/ubi9/ubi-minimal
#       RUN chmod g=u /etc/passwd
#       USER 1001
#     good: |
#       FROM registry.access.redhat.com/ubi9/ubi-minimal
#       RUN microdnf install -y shadow-utils && useradd -u 1001 -g 0 app && microdnf clean all
#       USER 1001
package hardline.rules.writable_account_files

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.hygiene
import data.hardline.lib.image as img

account_files := ["/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow"]

# --- Dockerfiles ----------------------------------------------------------------

deny contains r if {
	some x in hygiene.shipped_runs
	some i in x.instr.run.command_index.chmod
	c := x.instr.run.commands[i]
	args := lib.list(c.args)
	sp := hygiene.chmod_split(args)
	hygiene.grants_group_or_other_write(sp.mode)
	rec := recursive_flag(args)
	files := [p | some p in account_files; hygiene.targets_cover(sp.targets, p, rec)]
	count(files) > 0
	r := {
		"msg": sprintf("%s: `chmod %s` makes %s writable by %s: a non-root process can then give itself UID 0 or a password", [stage_label(x.stage), concat(" ", args), concat(", ", files), whom(sp.mode)]),
		"location": x.instr.location,
		"stage": x.stage.index,
		"key": sprintf("chmod:%s", [concat(",", files)]),
	}
}

deny contains r if {
	some x in hygiene.shipped_runs
	some i in x.instr.run.command_index.chown
	c := x.instr.run.commands[i]
	args := lib.list(c.args)
	sp := hygiene.chmod_split(args)
	hygiene.non_root_owner(sp.mode)
	rec := recursive_flag(args)
	files := [p | some p in account_files; hygiene.targets_cover(sp.targets, p, rec)]
	count(files) > 0
	r := {
		"msg": sprintf("%s: `chown %s` gives %s to %s, who can then give any account UID 0 or a password", [stage_label(x.stage), concat(" ", args), concat(", ", files), sp.mode]),
		"location": x.instr.location,
		"stage": x.stage.index,
		"key": sprintf("chown:%s", [concat(",", files)]),
	}
}

# COPY/ADD writing an account file with a non-root owner or a mode that
# lets group or others write it.
deny contains r if {
	some k in ["copy", "add"]
	some x in hygiene.instructions_of(k)
	x.stage.in_final_chain
	cp := x.instr.copy
	is_object(cp)
	contains(lib.str(cp.dest), "etc") # every account file is under /etc
	files := [p | some p in account_files; copies_to(cp, p)]
	count(files) > 0
	why := copy_problem(cp)
	r := {
		"msg": sprintf("%s: %s writes %s %s: a non-root process can then give itself UID 0 or a password", [stage_label(x.stage), upper(x.instr.cmd), concat(", ", files), why]),
		"location": x.instr.location,
		"stage": x.stage.index,
		"key": sprintf("%s:%s", [x.instr.cmd, concat(",", files)]),
	}
}

recursive_flag(args) := true if hygiene.recursive(args)

else := false

# copies_to(cp, p): the instruction's destination is p, or a directory
# (/etc/) that receives a source named like p.
copies_to(cp, p) if hygiene.normal_path(lib.str(cp.dest)) == p

copies_to(cp, p) if {
	endswith(lib.str(cp.dest), "/")
	hygiene.normal_path(cp.dest) == "/etc"
	some s in lib.list(cp.sources)
	lib.basename(s) == lib.basename(p)
}

copy_problem(cp) := sprintf("owned by %s (--chown)", [cp.chown]) if {
	hygiene.non_root_owner(lib.str(cp.chown))
} else := sprintf("with mode %s (--chmod)", [cp.chmod]) if {
	hygiene.grants_group_or_other_write(lib.str(cp.chmod))
}

whom(mode) := "its group and everyone" if {
	regex.match(`^[0-7]{3,4}$`, mode)
	digits := split(mode, "")
	digits[count(digits) - 1] in {"2", "3", "6", "7"}
} else := "everyone" if {
	regex.match(`(^|,)[ugo]*[oa][ugoa]*[+=]`, mode)
} else := "its group"

stage_label(s) := sprintf("stage %d (%q)", [s.index, s.name]) if s.name != ""

else := sprintf("stage %d", [s.index])

# --- images -------------------------------------------------------------------

deny contains r if {
	img.is_image
	some f in lib.list(input.account_files)
	f.type == "file"
	why := image_problem(f)
	r := img.finding(
		sprintf("%s (mode %s, owner %d:%d) added in %s is %s: a non-root process can then give itself UID 0 or a password", [f.path, f.mode, f.uid, f.gid, img.layer_name(f.layer), why]),
		f.path, f.layer, -1, f.path,
	)
}

# image_problem(f): who besides root can write the file.
image_problem(f) := "writable by everyone" if {
	write_bit(mode_digit(f.mode, 1))
} else := sprintf("writable by its group (GID %d%s)", [f.gid, group_note(f.gid)]) if {
	write_bit(mode_digit(f.mode, 2))
} else := sprintf("owned by UID %d, not root (an owner can always make its file writable)", [f.uid]) if {
	f.uid != 0
}

group_note(0) := ", which containers started with an arbitrary UID run in"

group_note(g) := "" if g != 0

# mode_digit(mode, k): the k-th permission digit from the right (1: others,
# 2: group, 3: owner) of an octal mode string.
mode_digit(mode, k) := d if {
	digits := split(mode, "")
	d := digits[count(digits) - k]
}

write_bit(d) if d in {"2", "3", "6", "7"}
