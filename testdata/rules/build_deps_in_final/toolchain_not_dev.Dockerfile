# The same as toolchain.dev.Dockerfile under a name that is not a
# development Dockerfile: reported.
# expect: HL1002
FROM golang:1.22
# expect: HL1002
RUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*
WORKDIR /src
CMD ["go", "run", "./cmd/api"]
