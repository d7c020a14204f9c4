# trusted-registries: docker.io/library, ghcr.io/acme
# expect: HL1015
FROM quay.io/prometheus/busybox:latest AS tools
# expect: HL1015
FROM ghcr.io/acme-tools/builder:2 AS build
# expect: HL1015
FROM bitnami/python:3.12
COPY --from=build /out /app
