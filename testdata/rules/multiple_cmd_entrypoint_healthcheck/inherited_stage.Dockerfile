FROM alpine:3.20 AS base
# expect: HL1050
ENTRYPOINT ["/bin/a"]
ENTRYPOINT ["/bin/b"]

FROM base
USER 10001
