# trusted-registries: docker.io/library, ghcr.io/acme
ARG REGISTRY
FROM ${REGISTRY}/base:1 AS unknown
FROM index.docker.io/library/golang:1.22 AS build
FROM ghcr.io/acme/runtime:3
COPY --from=build /out /app
FROM scratch
