# Credentials outside RUN: a remote ADD source, HEALTHCHECK, ENTRYPOINT and
# CMD argv. Each is recorded in the image config or history.
FROM alpine:3.20
# expect: HL1008
ADD https://deploy:Ad81Kq02Lm93Nb74Vc65@artifacts.example.com/app.tgz /opt/app.tgz
# A plain remote URL is not a credential.
ADD https://artifacts.example.com/public.tgz /opt/public.tgz
# expect: HL1008
HEALTHCHECK CMD curl -fs -u monitor:Hc81Kq02Lm93Nb74Vc65 http://localhost:8080/health || exit 1
USER 10001
# expect: HL1008
ENTRYPOINT ["/opt/app/bin/server", "--api-key", "Ep81Kq02Lm93Nb74Vc65"]
# expect: HL1008
CMD curl -u admin:Cm81Kq02Lm93Nb74Vc65 https://example.com/ping
