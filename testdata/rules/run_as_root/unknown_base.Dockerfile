# An unknown base image: reported, with a message that says it rests on the
# image defaulting to root.
# expect: HL1001
FROM registry.example.com/platform/python-base:3.12
COPY app /app
CMD ["python", "/app/main.py"]
