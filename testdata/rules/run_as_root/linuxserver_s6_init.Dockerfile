# LinuxServer.io images start as root and s6-overlay's /init (the inherited
# ENTRYPOINT) runs each service as abc.
FROM lscr.io/linuxserver/baseimage-alpine:3.20
RUN apk add --no-cache nginx
COPY root/ /
