# Negative: references and secret files, not literals.
FROM alpine:3.20
ARG ARTIFACT_URL=https://artifacts.example.com/app.tgz
ADD ${ARTIFACT_URL} /opt/app.tgz
HEALTHCHECK CMD curl -fs -u "monitor:${MONITOR_PASSWORD}" http://localhost:8080/health || exit 1
USER 10001
ENTRYPOINT ["/opt/app/bin/server", "--api-key-file", "/run/secrets/api_key"]
CMD ["--log-level", "info"]
