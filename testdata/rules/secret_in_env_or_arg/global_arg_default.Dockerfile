# expect: HL1007
ARG API_TOKEN=q8Vz3LmN7xR2tK9wP4sYh6Jd
FROM alpine:3.20
ARG API_TOKEN
RUN apk add --no-cache curl
USER 10001
