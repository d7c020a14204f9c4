FROM postgres:16-alpine
# expect: HL1007
ENV POSTGRES_PASSWORD=Xk9mP2vQ7wLr4tZs8BnY
COPY init.sql /docker-entrypoint-initdb.d/
