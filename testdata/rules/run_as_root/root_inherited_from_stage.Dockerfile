# USER root set in a base stage is inherited by the final stage through
# FROM <stage>; the finding points at the USER line in the base stage.
FROM debian:12-slim AS base
RUN useradd --system --uid 10001 app
# expect: HL1001
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*

FROM base AS final
COPY --chown=10001 app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
