ARG CGO=0
FROM golang:1.22-bookworm AS build
ARG CGO
WORKDIR /src
COPY . .
RUN CGO_ENABLED=${CGO} go build -trimpath -o /out/api ./cmd/api

FROM alpine:3.20
COPY --from=build /out/api /usr/local/bin/api
USER 10001
ENTRYPOINT ["/usr/local/bin/api"]
