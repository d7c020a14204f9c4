FROM debian:12-slim AS tools
# expect: HL1031
RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -

FROM debian:12-slim
COPY --from=tools /usr/bin/node /usr/bin/node
# expect: HL1031,HL1031
RUN set -eux; \
    # a comment in the continuation
    wget -qO- https://example.com/install.sh | sh -s -- --prefix=/usr/local; \
    bash -c "$(curl -fsSL https://example.com/other.sh)"
# expect: HL1031
RUN curl -fsSLo /tmp/get.sh https://example.com/get.sh && sh /tmp/get.sh
# expect: HL1031
RUN <<EOF
curl -s https://bootstrap.pypa.io/get-pip.py | python3
EOF
