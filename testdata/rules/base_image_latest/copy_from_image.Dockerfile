# COPY --from and RUN --mount from that name no stage pull an image: judged like FROM.
FROM golang:1.22-bookworm AS build
# expect: HL1013
RUN --mount=type=bind,from=alpine,source=/etc/apk,target=/mnt/apk \
    go build -o /out/app ./...

FROM debian:bookworm-slim
# expect: HL1013
copy --from=nginx:latest /etc/nginx/mime.types /etc/mime.types
COPY --from=build /out/app /usr/local/bin/app
COPY --from=0 /out/app /usr/local/bin/app2
COPY --from=busybox:1.36.1 /bin/busybox /bin/busybox
COPY --from=ghcr.io/acme/tools:latest@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d /bin/tool /bin/tool
RUN --mount=type=cache,target=/var/cache/apt apt-get update
USER 10001
