FROM debian:12 AS build
RUN chmod -R 777 /src

FROM debian:12
RUN mkdir -p /var/www/html && chmod 1777 /var/www/html
RUN tempDir="$(mktemp -d)" && chmod 777 "$tempDir" && cd "$tempDir" && make && rm -rf "$tempDir"
RUN chmod -R 777 /app && chmod -R o-w /app
RUN chmod 775 /data && chmod g+w /data
