ARG ROOTFS
FROM scratch
ADD alpine-minirootfs-3.20.3-x86_64.tar.gz /
ADD ${ROOTFS} /
ADD https://example.com/tool.tar.gz /opt/
COPY . /app
