FROM ubuntu:24.04
# expect: HL1002
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake
COPY . /src
RUN cmake -S /src -B /build && cmake --build /build && cmake --install /build
# Too late: the toolchain is still in the first RUN's layer.
RUN apt-get purge -y build-essential cmake && apt-get autoremove -y
USER 10001
ENTRYPOINT ["/usr/local/bin/tool"]
