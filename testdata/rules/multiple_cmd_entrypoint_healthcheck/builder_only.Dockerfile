# A builder stage's duplicate CMD never reaches the shipped image.
FROM golang:1.22 AS build
CMD ["go", "version"]
CMD ["go", "env"]
RUN go build -o /app ./...

FROM gcr.io/distroless/static:nonroot
COPY --from=build /app /app
CMD ["/app"]
