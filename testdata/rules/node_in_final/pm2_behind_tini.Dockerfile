FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm tini \
 && npm install -g pm2 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
USER 1000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["pm2-runtime", "ecosystem.config.js"]
