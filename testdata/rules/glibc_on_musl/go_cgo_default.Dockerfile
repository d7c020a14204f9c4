FROM golang:1.22-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -o /out/api ./cmd/api

FROM alpine:3.20
RUN apk add --no-cache ca-certificates
# expect: HL1006
COPY --from=build /out/api /usr/local/bin/api
COPY --from=build /src/config/default.yaml /etc/api/config.yaml
USER 10001
ENTRYPOINT ["/usr/local/bin/api"]
