# The exec form only starts a shell: sh is PID 1 and app its child.
FROM alpine:3.20
COPY app /app
USER 10001
# expect: HL1005
ENTRYPOINT ["/bin/sh", "-c", "/app --port ${PORT:-8080}"]
