# An ARG without a value is not guessed; scratch and FROM <stage> are not images.
ARG BASE
FROM ${BASE} AS custom
FROM golang:1.22-bookworm AS build
RUN go build -o /out/app ./...
FROM build AS test
RUN go test ./...
FROM alpine:latest@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d AS certs
FROM scratch
COPY --from=build /out/app /app
USER 10001
