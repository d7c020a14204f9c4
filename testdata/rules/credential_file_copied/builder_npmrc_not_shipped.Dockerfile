FROM node:20 AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci && rm -f .npmrc
COPY . .
RUN npm run build

FROM nginx:1.27-alpine
COPY --from=build /src/dist/ /usr/share/nginx/html/
