FROM golang:1.22 AS builder
RUN go build -o /out/app .

FROM alpine:3.20
# Real images: no stage has a similar name.
COPY --from=busybox:1.36 /bin/busybox /bin/busybox
COPY --from=docker /usr/local/bin/docker /usr/local/bin/docker
# Stage names are case-insensitive; indexes are fine.
COPY --from=Builder /out/app /app
COPY --from=0 /out/app /app2
RUN --mount=type=cache,target=/root/.cache --mount=from=builder,source=/out,target=/out true
USER 10001
CMD ["/app"]
