FROM python:3.12-slim
WORKDIR /app
# expect: HL1003
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt package.json package-lock.json ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# expect: HL1003
RUN npm ci && npm run build && python manage.py collectstatic --noinput
USER 10001
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "project.wsgi"]
