FROM debian:12-slim
# expect: HL1016
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*

FROM alpine:3.20
# expect: HL1016
run apk update \
    # refresh only
    && echo refreshed
RUN apk add --no-cache curl
