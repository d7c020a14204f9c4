ARG GO_VERSION=1.22
# Single stage: the Go toolchain ships with the service.
# expect: HL1002
FROM golang:${GO_VERSION}-bookworm
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /usr/local/bin/api ./cmd/api
USER 65532
ENTRYPOINT ["/usr/local/bin/api"]
