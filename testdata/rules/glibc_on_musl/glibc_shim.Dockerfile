FROM alpine:3.20
ENV GLIBC_VERSION=2.35-r1
# expect: HL1006
RUN wget -q -O /etc/apk/keys/sgerrand.rsa.pub https://alpine-pkgs.sgerrand.com/sgerrand.rsa.pub \
 && wget -q https://github.com/sgerrand/alpine-pkg-glibc/releases/download/${GLIBC_VERSION}/glibc-${GLIBC_VERSION}.apk \
 && apk add --no-cache --force-overwrite glibc-${GLIBC_VERSION}.apk \
 && rm glibc-${GLIBC_VERSION}.apk
# expect: HL1006
RUN apk add --no-cache gcompat
COPY vendor-tool /usr/local/bin/vendor-tool
USER 10001
