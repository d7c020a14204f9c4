FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
USER 10001
# expect: HL1004
CMD ["python", "-m", "worker"]
