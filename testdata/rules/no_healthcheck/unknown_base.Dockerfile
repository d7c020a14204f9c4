# An unknown base image may define its own HEALTHCHECK: not assumed.
FROM registry.acme.example/platform/service-base:4
COPY app /app
EXPOSE 8443
