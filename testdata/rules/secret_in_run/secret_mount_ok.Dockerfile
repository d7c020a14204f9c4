# syntax=docker/dockerfile:1
FROM node:20-alpine
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
    echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc \
 && npm ci --omit=dev \
 && rm -f .npmrc
RUN curl -fsSL -u "${REPO_USER}:${REPO_PASS}" https://repo.example.com/health || true
USER node
CMD ["node", "server.js"]
