FROM nginx:1.27-alpine AS web
HEALTHCHECK --interval=30s CMD wget -q --spider http://127.0.0.1/ || exit 1
FROM web
COPY site/ /usr/share/nginx/html/
EXPOSE 80
