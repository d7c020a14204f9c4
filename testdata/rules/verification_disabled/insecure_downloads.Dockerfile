# syntax=docker/dockerfile:1
ARG TLS_OFF=0
FROM alpine:3.20 AS build
# expect: HL1030
RUN curl -fsSLk https://example.com/tool.tgz | tar xz -C /opt

FROM alpine:3.20
ARG TLS_OFF
# expect: HL1030
ENV NODE_TLS_REJECT_UNAUTHORIZED=${TLS_OFF}
# expect: HL1030,HL1030
run wget --no-check-certificate https://example.com/glibc.apk \
  # comment inside the continuation
  && apk add --allow-untrusted glibc.apk
# expect: HL1030
RUN <<EOF
echo "deb [trusted=yes] http://repo.example.com/ ./" > /etc/apt/sources.list.d/x.list
EOF
# expect: HL1030
RUN git config --global http.sslVerify false
# expect: HL1030
RUN apt-get update && apt-get install -y --no-install-recommends software-properties-common \
  && add-apt-repository -y "deb [arch=amd64 trusted=yes] http://repo.example.com/ubuntu noble main"
COPY --from=build /opt /opt
