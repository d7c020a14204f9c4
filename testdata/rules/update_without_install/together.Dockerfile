FROM debian:12-slim
RUN apt-get update \
    # the install follows on the next line
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
RUN <<EOF
apt-get update
apt-get install -y --no-install-recommends jq
rm -rf /var/lib/apt/lists/*
EOF
RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get upgrade -y
RUN apt-get update && /usr/local/bin/install-extras.sh
