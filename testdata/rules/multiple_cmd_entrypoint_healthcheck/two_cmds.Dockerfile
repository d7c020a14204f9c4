FROM python:3.12-slim
WORKDIR /app
# expect: HL1050
CMD ["python", "migrate.py"]
# expect: HL1050
HEALTHCHECK CMD ["true"]
healthcheck --interval=5s CMD ["/bin/true"]
CMD ["gunicorn", "app:app"]
