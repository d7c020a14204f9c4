FROM eclipse-temurin:21-jre AS base
WORKDIR /app
# expect: HL1004
entrypoint ["java", "-jar", "/app/app.jar"]

FROM base
COPY build/libs/app.jar /app/app.jar
USER 10001
cmd ["--spring.profiles.active=prod"]
