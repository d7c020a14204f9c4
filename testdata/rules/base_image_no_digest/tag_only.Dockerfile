# expect: HL1014
FROM python:3.12-slim AS build
RUN pip install --no-cache-dir build

# expect: HL1014
FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=build /app /app
