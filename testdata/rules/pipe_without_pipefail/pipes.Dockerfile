FROM debian:bookworm-slim AS build
# expect: HL1054
RUN apt-get update && apt-get install -y curl \
    # the download is piped straight into tar
    && curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin

FROM alpine:3.20
# expect: HL1054
run <<EOF
wget -qO- https://example.com/install.sh | sh
EOF
COPY --from=build /usr/local/bin/tool /usr/local/bin/tool
USER 10001
