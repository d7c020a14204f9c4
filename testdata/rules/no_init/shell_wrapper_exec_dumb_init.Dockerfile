FROM alpine:3.20
RUN apk add --no-cache dumb-init
COPY server /usr/local/bin/server
USER 10001
ENTRYPOINT ["/bin/sh", "-c", "exec dumb-init -- /usr/local/bin/server --port \"${PORT:-8080}\""]
