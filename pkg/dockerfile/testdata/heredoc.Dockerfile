# syntax=docker/dockerfile:1
FROM debian:bookworm
ARG TOKEN_VERSION=2
RUN <<EOF
set -eux
apt-get update
apt-get install -y --no-install-recommends curl
EOF
RUN <<-EOT bash
	echo "chomped tabs"
	export AWS_ACCESS_KEY_ID=AKIAT4YQ7ZPL2WNXQKDE
	EOT
COPY <<EOF /etc/app.conf
listen = 8080
EOF
COPY <<'CONF' <<CONF2 /etc/
literal $HOME
CONF
expanded $HOME
CONF2
RUN <<'PY'
#!/usr/bin/env python3
print("not shell")
PY
CMD ["bash"]
