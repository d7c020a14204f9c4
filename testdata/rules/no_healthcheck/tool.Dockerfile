# A command-line tool: nothing exposed, nothing to probe.
FROM alpine:3.20
COPY jq /usr/local/bin/jq
ENTRYPOINT ["jq"]
