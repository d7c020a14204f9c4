FROM python:3.12-alpine
# expect: HL1006
RUN apt-get update && apt-get install -y --no-install-recommends libpq5
COPY . /app
USER 10001
CMD ["python", "/app/main.py"]
