FROM alpine:3.20 AS build
ENV APP_HOME=/app
EXPOSE 8080/tcp
FROM --platform=$BUILDPLATFORM golang:1.22 AS cross
FROM alpine:3.20
USER 10001
