# build-arg: APP_UID=10001
# The default would be root, but the build overrides it to 10001.
FROM alpine:3.20
ARG APP_UID=0
RUN adduser -D -u 10001 app
COPY app /usr/local/bin/app
USER ${APP_UID}
ENTRYPOINT ["/usr/local/bin/app"]
