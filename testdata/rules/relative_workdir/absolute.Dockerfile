ARG APP_DIR=/srv/app
FROM node:20-alpine AS base
WORKDIR /app
FROM base
# Relative to the absolute WORKDIR inherited through FROM base.
WORKDIR lib
FROM node:20-alpine
ARG APP_DIR
WORKDIR $APP_DIR
WORKDIR sub
FROM mcr.microsoft.com/windows/servercore:ltsc2022
WORKDIR C:\app
