# build-arg: DB_PASSWORD=not-a-real-password
FROM python:3.12-slim
# expect: HL1009
arg DB_PASSWORD
run pip install --no-cache-dir psycopg[binary]
user 10001
cmd ["python", "-m", "app"]
