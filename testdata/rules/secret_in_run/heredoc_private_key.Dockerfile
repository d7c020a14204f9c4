# syntax=docker/dockerfile:1
FROM alpine:3.20
RUN apk add --no-cache openssh-client git
# Secrets are reported at the line of the value; comment lines inside the
# heredoc are shell comments.
RUN <<EOF
set -e
mkdir -p /root/.ssh
# expect: HL1008
echo "-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACBGQUtFRkFLRUZBS0VGQUtFRkFLRUZBS0VGQUtFRkFLRQAAAJhGQUtFRkFL
RUZBS0VGQUtFRkFLRUZBS0VGQUtFRkFLRUZBS0VGQUtFAAAAC3NzaC1lZDI1NTE5AAAAIE
ZBS0VGQUtFRkFLRUZBS0VGQUtFRkFLRUZBS0VGQUtFRkFLRQ==
-----END OPENSSH PRIVATE KEY-----" > /root/.ssh/id_ed25519
chmod 600 /root/.ssh/id_ed25519
EOF
USER 10001
