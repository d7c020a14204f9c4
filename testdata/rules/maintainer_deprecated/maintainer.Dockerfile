FROM alpine:3.20
# expect: HL1052
MAINTAINER Jane Doe <jane@example.com>
# expect: HL1052
maintainer someone
USER 10001
