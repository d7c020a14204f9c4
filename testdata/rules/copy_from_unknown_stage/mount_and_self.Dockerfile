FROM node:20 AS deps
# expect: HL1053
RUN --mount=type=bind,from=dep,source=/x,target=/x true
# expect: HL1053
COPY --from=deps /a /b
# expect: HL1053
COPY --from=assets /dist /dist
FROM node:20-alpine AS assets
RUN true
