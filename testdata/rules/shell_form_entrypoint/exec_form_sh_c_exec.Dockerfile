# sh -c whose command is exec'd: app replaces the shell as PID 1.
FROM alpine:3.20 AS one
COPY app /app
ENTRYPOINT ["/bin/sh", "-c", "exec /app --port ${PORT:-8080}"]

FROM alpine:3.20
COPY app /app
USER 10001
CMD ["sh", "-c", "cd /data && exec /app serve"]
