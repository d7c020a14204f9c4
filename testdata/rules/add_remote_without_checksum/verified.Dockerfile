# syntax=docker/dockerfile:1.7
FROM alpine:3.20
ADD --checksum=sha256:c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
ADD https://github.com/org/tool.git#0123456789abcdef0123456789abcdef01234567 /src
ADD https://example.com/dist/app-1.0.tar.gz /tmp/app.tar.gz
RUN echo "24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d  /tmp/app.tar.gz" | sha256sum -c - \
 && tar -xzf /tmp/app.tar.gz -C /opt
ADD app.tar.gz /opt/
