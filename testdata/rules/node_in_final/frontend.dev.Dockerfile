# A *.dev.Dockerfile builds a development environment: the Node toolchain is
# the point, so HL1003 does not apply.
FROM python:3.12-slim
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm ci && npm run build
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
