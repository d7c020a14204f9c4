# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22
ARG BASE=alpine
ARG BASE_TAG
FROM golang:${GO_VERSION}-alpine AS Builder
ARG GO_VERSION
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/root/.cache/go-build go build -ldflags "-X main.version=${VERSION}" -o /out/app ./cmd/app

FROM builder AS tester
WORKDIR tests
RUN go test ./... && echo "$VERSION"

FROM ${BASE}:${BASE_TAG:-3.20} AS runtime-base
RUN apk add --no-cache ca-certificates
USER 10001:10001
CMD ["/bin/true"]

FROM runtime-base
ENV APP_HOME=/app PORT=8080
WORKDIR ${APP_HOME}
COPY --from=0 /out/app ./app
COPY --from=builder --chown=app:app /src/config.yaml ${APP_HOME}/config.yaml
COPY --from=nginx:latest /etc/nginx/nginx.conf /etc/nginx/
RUN --mount=from=tester,source=/src,target=/mnt ls /mnt
EXPOSE 80 443/tcp 53/udp 8000-8010/tcp ${PORT}
HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:${PORT}/healthz || exit 1
ENTRYPOINT ["/app/app"]
