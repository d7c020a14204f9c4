from eclipse-temurin:21-jre
arg JAR=app.jar
copy build/libs/${JAR} /app/app.jar
user 10001
# expect: HL1005
entrypoint java $JAVA_OPTS \
    # heap settings come from JAVA_OPTS
    -jar /app/app.jar
