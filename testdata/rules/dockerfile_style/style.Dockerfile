# expect: HL1058, HL1058
FROM alpine:3.20 as Build
# expect: HL1058
ENV APP_HOME /app
# expect: HL1058
EXPOSE 8080/TCP
# expect: HL1058
FROM --platform=$TARGETPLATFORM alpine:3.20
USER 10001
