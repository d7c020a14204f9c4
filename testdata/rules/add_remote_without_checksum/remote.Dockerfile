FROM alpine:3.20 AS fetch
# expect: HL1018
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
# expect: HL1018
ADD https://github.com/org/tool.git#v1.2.0 /src
RUN tar -xzf /tmp/other.tar.gz
