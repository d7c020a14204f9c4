FROM python:3.12-alpine
WORKDIR /app
COPY requirements.txt .
# expect: HL1002
RUN apk add --no-cache \
        # compilers for the C extensions in requirements.txt
        gcc \
        musl-dev \
        libffi-dev \
        # runtime library
        libffi \
    && pip install --no-cache-dir -r requirements.txt
COPY . .
USER 10001
CMD ["python", "-m", "app"]
