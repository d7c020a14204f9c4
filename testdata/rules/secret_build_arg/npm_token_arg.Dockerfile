FROM node:20-alpine
WORKDIR /app
# expect: HL1009
ARG NPM_TOKEN
COPY package.json package-lock.json ./
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc \
 && npm ci --omit=dev \
 && rm -f .npmrc
COPY . .
USER node
CMD ["node", "server.js"]
