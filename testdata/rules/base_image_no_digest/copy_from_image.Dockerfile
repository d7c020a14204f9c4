# Images pulled by COPY --from and RUN --mount from are pinned like FROM images.
FROM debian:bookworm-slim@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d AS build
RUN --mount=type=cache,target=/root/.cache true
# expect: HL1014
RUN --mount=from=golang:1.22,source=/usr/local/go,target=/usr/local/go /usr/local/go/bin/go version

FROM gcr.io/distroless/static@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d
# expect: HL1014
COPY --from=busybox:1.36.1 /bin/busybox /busybox
COPY --from=build /etc/os-release /etc/os-release
COPY --from=alpine@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d /etc/ssl /etc/ssl
USER 65532
