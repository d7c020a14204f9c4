FROM python:3.12-slim
ARG DB_PASSWORD
ENV DB_PASSWORD_FILE=/run/secrets/db_password \
    API_KEY=${API_KEY} \
    SECRET_KEY=changeme \
    DB_USER=app
LABEL org.opencontainers.image.title="billing-api"
USER 10001
CMD ["python", "-m", "billing"]
