# METADATA
# title: ADD used where COPY suffices
# description: |
#   ADD does more than copy: it unpacks local tar archives and downloads
#   URLs. Used for plain files and directories it does exactly what COPY
#   does, but a reader (and a reviewer) must check each source to know
#   which behaviour applies, and a file later renamed to `.tar.gz` changes
#   what the instruction does. COPY says what it does.
#
#   Local tar archives (`.tar`, `.tar.gz`, `.tgz`, `.tar.xz`, `.tar.zst`
#   …, and `.gz`/`.bz2`/`.xz` files, which ADD unpacks when they hold a tar)
#   are what ADD is for and are not reported. Remote URLs and git
#   references are reported by add-remote-without-checksum (HL1018).
#   Sources that depend on an ARG without a value, and heredoc sources, are
#   not judged. Every stage is checked.
#
#   Built images are not judged: the classic builder and buildah record a
#   local source as a content hash (`ADD file:<sha256> in /`, as for the
#   root filesystem tarball of most base images), so their history does not
#   say whether ADD unpacked an archive or copied a plain file; and the
#   choice between ADD and COPY is the Dockerfile's, judged there.
# custom:
#   id: HL1017
#   name: add-instead-of-copy
#   severity: low
#   tags: [filesystem]
#   inputs: [dockerfile]
#   controls:
#     cis-docker-1.6.0: ["4.9"]
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Use COPY for local files and directories; keep ADD for local tar
#     archives that should be unpacked into the image:
#
#         COPY requirements.txt app/ /srv/
#         ADD rootfs.tar.xz /
#   examples:
#     bad: |
#       FROM python:3.12-slim
#       ADD . /app
#     good: |
#       FROM python:3.12-slim
#       COPY . /app
package hardline.rules.add_instead_of_copy

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.hygiene

deny contains r if {
	some x in hygiene.instructions_of("add")
	is_object(x.instr.copy)
	count(lib.list(object.get(x.instr, "heredocs", []))) == 0
	plain := [s |
		some s in lib.list(x.instr.copy.sources)
		plain_local(s)
	]
	count(plain) > 0
	r := {
		"msg": sprintf("%s: ADD of %s, which %s not a tar archive: COPY does the same without ADD's unpacking and downloading", [stage_label(x.stage), concat(", ", plain), is_are(count(plain))]),
		"location": x.instr.location,
		"stage": x.stage.index,
		"key": concat(",", plain),
	}
}

# plain_local(s): a local source that is not an archive ADD would unpack.
plain_local(s) if {
	s != ""
	not lib.is_url(s)
	not contains(s, "$")
	not startswith(s, "<<")
	not archive_name(s)
}

archive_name(s) if regex.match(`(?i)\.(tar|tgz|taz|tbz|tbz2|tb2|txz|tlz|tzst|tar\.[a-z0-9]+|gz|bz2|xz|zst|lz|lzma|z)$`, trim_right(s, "/"))

is_are(1) := "is"

is_are(n) := "are" if n != 1

stage_label(s) := sprintf("stage %d (%q)", [s.index, s.name]) if s.name != ""

else := sprintf("stage %d", [s.index])
