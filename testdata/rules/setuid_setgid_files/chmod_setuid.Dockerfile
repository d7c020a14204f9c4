FROM debian:12-slim
COPY gosu /sbin/gosu
# expect: HL1011
RUN chmod +s /sbin/gosu
# expect: HL1011
COPY --chmod=4755 netdiag /usr/local/bin/netdiag
