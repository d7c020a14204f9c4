ARG GO_TAG=latest
# expect: HL1013
FROM golang:${GO_TAG} AS build
RUN go build -o /out/app ./...

# expect: HL1013
from alpine AS certs
RUN apk add --no-cache ca-certificates

# expect: HL1013
FROM docker.io/library/debian:LATEST
COPY --from=build /out/app /usr/local/bin/app
COPY --from=certs /etc/ssl/certs /etc/ssl/certs
USER 10001
