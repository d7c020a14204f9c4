# The USER value comes from an ARG whose default is 0 (root).
FROM alpine:3.20
ARG APP_UID=0
RUN apk add --no-cache ca-certificates
COPY app /usr/local/bin/app
# expect: HL1001
USER ${APP_UID}:${APP_UID}
ENTRYPOINT ["/usr/local/bin/app"]
