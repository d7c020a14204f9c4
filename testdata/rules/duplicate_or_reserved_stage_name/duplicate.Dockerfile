FROM golang:1.22 AS build
RUN go build -o /out/api ./cmd/api
# expect: HL1056
FROM node:20 as BUILD
RUN npm run build
# expect: HL1056
FROM alpine:3.20 AS scratch
COPY --from=build /out /out
