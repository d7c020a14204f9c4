# Digest-pinned, untagged (reported by HL1013 instead), scratch and stage references.
FROM python:3.12-slim@sha256:2be8daddbb82756f7d1f2c7ece706aadcb284bf6ab6d769ea695cc3ed6016743 AS build
FROM node AS assets
FROM build
FROM scratch
COPY --from=build /app /app
