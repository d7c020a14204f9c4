# LinuxServer.io images inherit ENTRYPOINT ["/init"] (s6-overlay).
FROM lscr.io/linuxserver/nginx:1.26.1
COPY site/ /config/www/
