FROM alpine:3.20 AS fetch
# expect: HL1008
RUN wget -qO /tmp/app.tar.gz https://deploy:Hq7Zp2Lx9Vm4Rt8KwQ3n@artifacts.example.com/releases/app-1.4.2.tar.gz \
 && mkdir -p /out && tar -xzf /tmp/app.tar.gz -C /out

FROM alpine:3.20
COPY --from=fetch /out/ /opt/app/
USER 10001
ENTRYPOINT ["/opt/app/bin/app"]
