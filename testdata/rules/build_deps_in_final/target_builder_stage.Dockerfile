# target: dev
# Building --target dev makes the dev stage the final image.
FROM node:20-bookworm AS dev
# expect: HL1002
RUN apt-get update && apt-get install -y --no-install-recommends g++ make python3
WORKDIR /app
COPY . .
RUN npm ci
CMD ["npm", "run", "dev"]

FROM node:20-bookworm-slim AS prod
WORKDIR /app
COPY --from=dev /app/dist ./dist
USER node
CMD ["node", "dist/server.js"]
