# Root in the builder does not matter; the final image is distroless :nonroot
# (UID 65532) and sets no USER of its own.
FROM golang:1.22 AS build
USER root
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/server ./cmd/server

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/server /server
ENTRYPOINT ["/server"]
