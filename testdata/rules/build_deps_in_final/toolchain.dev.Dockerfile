# A *.dev.Dockerfile builds a development environment: exempt from HL1002.
FROM golang:1.22
RUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*
WORKDIR /src
CMD ["go", "run", "./cmd/api"]
