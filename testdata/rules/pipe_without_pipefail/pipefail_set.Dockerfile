FROM debian:bookworm-slim AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin

# The SHELL is inherited through FROM build.
FROM build
RUN curl -fsSL https://example.com/other.tgz | tar -xz

FROM alpine:3.20
RUN set -eo pipefail; wget -qO- https://example.com/x.tgz | tar -xz
RUN echo "https://dl-cdn.alpinelinux.org/alpine/edge/testing" | tee -a /etc/apk/repositories
RUN ["/bin/sh", "-c", "true"]
RUN --mount=type=cache,target=/var/cache/apk apk add curl
USER 10001
