# Builder stages do not ship, but the Dockerfile with the literal is committed.
FROM maven:3.9-eclipse-temurin-21 AS build
# expect: HL1007
ENV MAVEN_REPO_PASSWORD=Rt7vK2pX9mQ4wL8zN3bF
COPY . /src
RUN mvn -f /src/pom.xml -q package

FROM eclipse-temurin:21-jre
COPY --from=build /src/target/app.jar /app/app.jar
USER 10001
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
