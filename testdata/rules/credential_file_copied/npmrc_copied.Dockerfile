FROM node:20-alpine
WORKDIR /app
# expect: HL1010
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && rm -f .npmrc
COPY . .
USER node
CMD ["node", "server.js"]
