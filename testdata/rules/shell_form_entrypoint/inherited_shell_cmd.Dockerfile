FROM python:3.12-slim AS base
WORKDIR /app
# expect: HL1005
CMD python -m http.server 8000

FROM base
COPY public/ /app/
USER 10001
