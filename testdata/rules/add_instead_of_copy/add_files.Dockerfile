FROM alpine:3.20
# expect: HL1017
ADD . /app
# expect: HL1017
add config.yaml rootfs.tar.gz /
