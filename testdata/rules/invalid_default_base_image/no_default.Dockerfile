ARG BASE
ARG TAG=
# expect: HL1057
FROM ${BASE}
RUN true
# expect: HL1057
FROM alpine:${TAG}
