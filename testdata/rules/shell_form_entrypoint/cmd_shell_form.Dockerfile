FROM node:20-alpine
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
USER node
# expect: HL1005
CMD node server.js
