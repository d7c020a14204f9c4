FROM php:8.3-fpm-bookworm
# expect: HL1003
COPY --from=node:20-bookworm-slim /usr/local/bin/node /usr/local/bin/node
# expect: HL1003
copy --from=node:20-bookworm-slim /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
WORKDIR /var/www/html
COPY . .
USER www-data
CMD ["php-fpm"]
