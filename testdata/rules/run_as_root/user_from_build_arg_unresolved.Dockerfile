# USER from an ARG without default: the value comes from --build-arg at build
# time and is not known here.
FROM alpine:3.20
ARG RUNUSER
RUN adduser -D -u 10001 app
COPY app /usr/local/bin/app
USER ${RUNUSER}
ENTRYPOINT ["/usr/local/bin/app"]
