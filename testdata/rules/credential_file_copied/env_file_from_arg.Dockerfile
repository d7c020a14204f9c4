FROM python:3.12-slim
ARG ENV_FILE=.env.production
WORKDIR /app
COPY . .
# expect: HL1010
COPY ${ENV_FILE} /app/.env
USER 10001
CMD ["python", "-m", "app"]
