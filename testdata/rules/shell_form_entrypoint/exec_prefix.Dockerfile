FROM python:3.12-slim
WORKDIR /app
COPY . .
USER 10001
CMD exec gunicorn --bind "0.0.0.0:${PORT:-8000}" app:app
