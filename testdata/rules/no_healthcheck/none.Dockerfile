# Explicitly disabled (Kubernetes probes instead).
FROM python:3.12-slim
HEALTHCHECK NONE
EXPOSE 8000
CMD ["python", "-m", "http.server"]
