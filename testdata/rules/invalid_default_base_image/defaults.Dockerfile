ARG BASE=alpine:3.20
ARG REGISTRY
FROM ${BASE}
# An empty optional prefix still gives a valid reference.
FROM ${REGISTRY:+${REGISTRY}/}alpine:3.20
