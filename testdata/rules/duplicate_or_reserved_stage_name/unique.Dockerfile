FROM golang:1.22 AS build-api
RUN go build -o /out/api ./cmd/api
FROM node:20 AS build-web
RUN npm run build
FROM scratch
COPY --from=build-api /out/api /api
