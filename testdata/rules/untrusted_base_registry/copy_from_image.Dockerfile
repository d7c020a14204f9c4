# trusted-registries: docker.io/library, ghcr.io/acme
FROM ghcr.io/acme/builder:2 AS build
# expect: HL1015
RUN --mount=from=quay.io/prometheus/busybox:1.36,source=/bin/busybox,target=/mnt/busybox /mnt/busybox true
RUN --mount=from=alpine:3.20,source=/etc/apk,target=/mnt/apk ls /mnt/apk

FROM ghcr.io/acme/runtime:3
# expect: HL1015
COPY --from=docker.io/bitnami/kubectl:1.30 /opt/bitnami/kubectl/bin/kubectl /usr/local/bin/
COPY --from=build /out /app
COPY --from=ghcr.io/acme/tools:1 /bin/tool /bin/tool
COPY --from=nginx:1.27 /etc/nginx/mime.types /etc/mime.types
USER 10001
