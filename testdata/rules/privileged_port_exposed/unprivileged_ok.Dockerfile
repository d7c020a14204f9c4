FROM golang:1.22 AS build
EXPOSE 80

FROM nginxinc/nginx-unprivileged:1.27-alpine
EXPOSE 8080 8443/tcp 22
