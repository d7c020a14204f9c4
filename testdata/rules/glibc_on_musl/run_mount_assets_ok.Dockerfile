FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM golang:1.22 AS gobuild
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server

FROM nginx:1.27-alpine
RUN --mount=from=build,source=/src/dist,target=/dist cp -r /dist/. /usr/share/nginx/html/
RUN --mount=from=gobuild,source=/out,target=/mnt/out install -m 0755 /mnt/out/server /usr/local/bin/server
RUN --mount=type=cache,target=/var/cache/apk apk add ca-certificates
