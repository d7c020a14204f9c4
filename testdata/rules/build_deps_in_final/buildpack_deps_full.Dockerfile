# expect: HL1002
FROM buildpack-deps:bookworm
WORKDIR /src
COPY . .
RUN ./configure && make && make install
USER 10001
CMD ["/usr/local/bin/app"]
