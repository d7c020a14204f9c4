# `CMD exec /app`: the shell execs app, which is PID 1 without an init.
FROM alpine:3.20
COPY app /app
USER 10001
# expect: HL1004
CMD exec /app --port 8080
