# METADATA
# title: MAINTAINER is deprecated
# description: |
#   MAINTAINER sets the image's author field, which has been deprecated in
#   favour of labels; tools that display authorship read the
#   `org.opencontainers.image.authors` label. BuildKit's MaintainerDeprecated
#   check reports it. The instruction still works, so this is a style rule,
#   off by default; every stage is checked.
# custom:
#   id: HL1052
#   name: maintainer-deprecated
#   severity: low
#   enabled: false
#   tags: [style]
#   inputs: [dockerfile]
#   remediation: |
#     Replace `MAINTAINER name` with
#     `LABEL org.opencontainers.image.authors="name"`.
#   examples:
#     bad: |
#       FROM alpine:3.20
#       MAINTAINER Jane Doe <jane@example.com>
#     good: |
#       FROM alpine:3.20
#       LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
package hardline.rules.maintainer_deprecated

import data.hardline.lib.buildkit as bk

deny contains r if {
	some w in bk.warnings({"MaintainerDeprecated"})
	r := bk.finding(w, sprintf("%sMAINTAINER is deprecated; set the org.opencontainers.image.authors label instead", [bk.where(w)]))
}
