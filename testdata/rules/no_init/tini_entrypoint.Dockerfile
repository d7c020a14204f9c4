FROM python:3.12-alpine
RUN apk add --no-cache tini
WORKDIR /app
COPY . .
USER 10001
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["python", "-m", "worker"]
