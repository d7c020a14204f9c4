FROM node:20-alpine AS build
# expect: HL1051
workdir src
RUN npm ci

FROM node:20-alpine
# expect: HL1051
WORKDIR app
# A second relative WORKDIR is not reported: fixing the first fixes it.
WORKDIR lib
COPY --from=build /src/dist .
USER node
CMD ["node", "index.js"]
