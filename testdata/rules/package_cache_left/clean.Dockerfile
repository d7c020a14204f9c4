FROM node:20-alpine AS build
# A builder stage's caches do not ship.
RUN apk add git && npm ci
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/*
RUN pip install -r requirements.txt
RUN --mount=type=cache,target=/root/.npm npm ci
RUN <<EOF
apk add --no-cache curl
dnf install -y jq
dnf clean all
EOF
COPY --from=build /app /app
