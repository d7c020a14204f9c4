# expect: HL1055
FROM alpine:${ALPINE_VERSION}
ARG APP_VERSION=1.2.3
# expect: HL1055
ENV VERSION=$APP_VERSON
# A variable the base image may define is not reported.
ENV JAVA_OPTS="$JAVA_OPTS -Xmx1g"

FROM scratch
# expect: HL1055
COPY $BIN_DIR/app /app
