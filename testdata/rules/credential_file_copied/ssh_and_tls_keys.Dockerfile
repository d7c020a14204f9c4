FROM nginx:1.27-alpine
# expect: HL1010
COPY deploy/id_ed25519 /root/.ssh/id_ed25519
COPY deploy/id_ed25519.pub /root/.ssh/authorized_keys
COPY certs/fullchain.pem certs/server.crt /etc/nginx/tls/
# expect: HL1010
COPY certs/privkey.pem /etc/nginx/tls/privkey.pem
