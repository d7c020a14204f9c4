FROM golang:1.22 AS builder
RUN go build -o /out/app .

FROM gcr.io/distroless/static:nonroot
# expect: HL1053
COPY --from=buidler /out/app /app
# expect: HL1053
COPY --from=5 /out/app /app2
CMD ["/app"]
