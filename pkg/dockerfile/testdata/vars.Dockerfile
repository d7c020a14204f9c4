ARG REGISTRY
ARG IMAGE=debian
FROM ${REGISTRY:+${REGISTRY}/}${IMAGE}:bookworm-slim
ARG A
ARG B=bee
ARG C=${B}-sea
ARG TARGETARCH
ENV X=${A:-fallback} Y=${B:+alt} Z=${A-dash} W=$B
ENV B=from-env
LABEL org.opencontainers.image.version="${B}" maintainer="team@example.com"
RUN echo "$A $B $C $TARGETARCH" > /tmp/vars
USER ${MISSING_USER}
WORKDIR /opt/${UNDEFINED_DIR:-app}
STOPSIGNAL SIGTERM
VOLUME ["/data", "${C}"]
