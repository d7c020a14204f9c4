# A shell-form CMD after an exec-form ENTRYPOINT is only arguments to it:
# not this rule's concern.
FROM alpine:3.20
RUN apk add --no-cache tini
USER 10001
ENTRYPOINT ["/sbin/tini", "--"]
CMD /usr/local/bin/server --port 8080
