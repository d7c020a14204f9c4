FROM alpine:3.20 AS build
RUN chmod 666 /etc/passwd
FROM alpine:3.20
RUN chmod 644 /etc/passwd /etc/group && chmod 640 /etc/shadow
RUN chmod -R g=u /etc/nginx /var/cache/nginx
RUN chown root:root /etc/passwd && chmod g+w /etc
COPY passwd /etc/passwd
USER 10001
