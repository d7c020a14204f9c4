# The --build-arg does not help: BuildKit checks the defaults alone.
# build-arg: BASE=alpine:3.20
ARG BASE
# expect: HL1057
FROM ${BASE}
