# METADATA
# title: ADD downloads without verifying a checksum
# description: |
#   `ADD https://…` puts whatever the server returns into the image: nothing
#   checks that it is the file the Dockerfile's author reviewed. A
#   compromised or hijacked download site, a moved release asset or a
#   man-in-the-middle on a plain-http URL changes the image silently. ADD
#   can verify the download itself (`ADD --checksum=sha256:…`, Dockerfile
#   syntax 1.6+), or the file can be fetched with curl in a RUN that checks
#   its hash.
#
#   A git source (`ADD https://github.com/org/repo.git#v1.2 /src`,
#   `git@…`) is reported unless it is pinned to a full commit hash
#   (`#<40 hex digits>`) or given `--checksum`: branches and tags can be
#   moved. Every stage is checked: builder stages fetch what gets compiled
#   into the final image. URLs are shown without credentials or query
#   strings.
#
#   Built images are not judged: BuildKit records `ADD <url> <dest>` in the
#   history whether or not `--checksum` was given, and the classic builder
#   and buildah record a hash of the downloaded content instead of the URL,
#   so the history cannot tell a verified download from an unverified one.
# custom:
#   id: HL1018
#   name: add-remote-without-checksum
#   severity: medium
#   tags: [supply-chain]
#   inputs: [dockerfile]
#   controls:
#     cis-docker-1.6.0: ["4.9"]
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Pin the content: give ADD the expected digest, or download and verify
#     in a RUN:
#
#         ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
#             https://example.com/tool-1.2.tar.gz /tmp/
#         RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool-1.2.tar.gz \
#          && echo "24454f83…  /tmp/tool.tgz" | sha256sum -c -
#
#     Pin git sources to a commit: `ADD https://github.com/org/repo.git#<commit> /src`.
#   examples:
#     bad: |
#       FROM alpine:3.20
#       ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
#     good: |
#       # syntax=docker/dockerfile:1.7
#       FROM alpine:3.20
#       ADD --checksum=sha256:c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee --chmod=755 \
#           https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
package hardline.rules.add_remote_without_checksum

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.hygiene

deny contains r if {
	some x in hygiene.instructions_of("add")
	is_object(x.instr.copy)
	not has_checksum(x.instr)
	some s in lib.list(x.instr.copy.sources)
	lib.is_url(s)
	not contains(s, "$")
	not verified_later(x, s)
	why := unverified(s)
	r := {
		"msg": sprintf("%s: ADD %s %s", [stage_label(x.stage), lib.redact_url(s), why]),
		"location": x.instr.location,
		"stage": x.stage.index,
		"key": lib.redact_url(s),
	}
}

has_checksum(instr) if {
	some f in lib.list(instr.flags)
	startswith(lower(f), "--checksum=")
}

# git_source(s): BuildKit reads the source as a git repository.
git_source(s) if startswith(s, "git@")

git_source(s) if regex.match(`(?i)^git://`, s)

git_source(s) if regex.match(`(?i)^[a-z+]+://[^#?]*\.git(#.*)?$`, s)

# unverified(s): why the download is not verified.
unverified(s) := "clones a git reference that is not a commit hash: the branch or tag can be moved to other content" if {
	git_source(s)
	not regex.match(`#[0-9a-fA-F]{40}(:.*)?$`, s)
}

unverified(s) := "downloads without --checksum: nothing verifies that the content is what was reviewed" if {
	not git_source(s)
}

# verified_later(x, s): a later RUN of the same stage runs a checksum or
# signature tool and names the downloaded file (`sha256sum -c`, `gpg
# --verify`, `cosign verify-blob`): the download is checked before use.
verified_later(x, s) if {
	some instr in lib.list(x.stage.instructions)
	instr.cmd == "run"
	instr.index > x.instr.index
	some c in lib.commands(instr.run)
	c.name in verify_tools
	some n in fetched_names(x.instr.copy, s)
	regex.match(sprintf(`(^|[/\s"'=])%s($|[\s"';&|)])`, [hygiene.regex_quote(n)]), lib.str(instr.run.script))
}

verify_tools := {
	"sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "shasum", "b2sum", "md5sum",
	"gpg", "gpgv", "gpg2", "cosign", "minisign", "signify", "openssl", "rpm", "sigstore",
}

# fetched_names(cp, s): names the downloaded file may have in the image:
# the destination's base name, and the URL's.
fetched_names(cp, s) := {n |
	some n in [lib.basename(lib.str(cp.dest)), lib.basename(regex.replace(s, `[?#].*$`, ""))]
	n != ""
}

stage_label(s) := sprintf("stage %d (%q)", [s.index, s.name]) if s.name != ""

else := sprintf("stage %d", [s.index])
