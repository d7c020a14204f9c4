# No ENTRYPOINT/CMD anywhere: nginx's own (inherited) command applies and is
# not known from the Dockerfile.
FROM nginx:1.27-alpine
COPY site/ /usr/share/nginx/html/
