FROM python:3.12-slim
WORKDIR /app
COPY . .
USER 10001
# expect: HL1005
CMD ["bash", "-c", "python manage.py migrate && gunicorn app.wsgi"]
