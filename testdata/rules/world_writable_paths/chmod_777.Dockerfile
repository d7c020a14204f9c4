FROM python:3.12-slim
COPY . /app
# expect: HL1012
RUN chmod -R 777 /app
# expect: HL1012,HL1012
RUN mkdir -m 777 /cache \
    && install -d -m 0777 /spool
