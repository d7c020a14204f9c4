FROM golang:1.22 AS build
HEALTHCHECK CMD ["true"]
RUN go build -o /app .
# expect: HL1020
FROM alpine:3.20
COPY --from=build /app /app
EXPOSE 8080
CMD ["/app"]
