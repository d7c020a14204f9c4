FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /app .

FROM alpine:3.20 AS runtime
RUN adduser -D app
# expect: HL1006
RUN --mount=from=build,source=/app,target=/mnt/app cp /mnt/app /usr/local/bin/app
RUN --mount=from=build,source=/src/config,target=/cfg cp /cfg/default.yaml /etc/app.yaml
USER app
ENTRYPOINT ["app"]
