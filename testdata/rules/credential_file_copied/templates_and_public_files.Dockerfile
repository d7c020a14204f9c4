FROM python:3.12-slim
WORKDIR /app
COPY .env.example .envrc.example ./
COPY docker/nginx_signing.key /tmp/
ADD https://packages.example.com/keys/release.key /usr/share/keyrings/
COPY certs/ca-bundle.pem /etc/ssl/certs/
COPY . .
USER 10001
CMD ["python", "-m", "app"]
