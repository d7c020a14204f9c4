FROM alpine:3.20
ARG RG_VERSION=14.1.0
# expect: HL1006
RUN wget -qO /tmp/rg.tar.gz \
        "https://github.com/BurntSushi/ripgrep/releases/download/${RG_VERSION}/ripgrep-${RG_VERSION}-x86_64-unknown-linux-gnu.tar.gz" \
 && tar -xzf /tmp/rg.tar.gz -C /usr/local/bin --strip-components=1 \
 && rm /tmp/rg.tar.gz
# Static Go binaries are fine on musl.
RUN wget -qO /usr/local/bin/yq https://github.com/mikefarah/yq/releases/download/v4.44.1/yq_linux_amd64 \
 && chmod +x /usr/local/bin/yq
USER 10001
