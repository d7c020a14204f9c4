FROM python:3.12-slim AS deps
RUN python -m venv /opt/venv
COPY requirements.txt .
RUN /opt/venv/bin/pip install --no-cache-dir -r requirements.txt

FROM python:3.12-alpine
# expect: HL1006
COPY --from=deps /opt/venv /opt/venv
COPY . /app
USER 10001
CMD ["/opt/venv/bin/python", "/app/main.py"]
