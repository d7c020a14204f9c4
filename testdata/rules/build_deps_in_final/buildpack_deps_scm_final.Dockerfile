FROM buildpack-deps:noble-scm
RUN git clone --depth 1 https://github.com/example/tools.git /opt/tools
USER 10001
CMD ["/opt/tools/run"]
