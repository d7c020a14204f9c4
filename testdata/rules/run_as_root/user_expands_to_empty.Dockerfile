# USER ${DEBUG:+root} with DEBUG declared without a value expands to an empty
# user name: BuildKit then runs the container as root.
FROM gcr.io/distroless/static-debian12:nonroot
ARG DEBUG
COPY app /app
# expect: HL1001
USER ${DEBUG:+root}
ENTRYPOINT ["/app"]
