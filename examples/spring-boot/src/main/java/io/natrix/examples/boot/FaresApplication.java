package io.natrix.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The fares service as a Spring Boot application: {@link Fares} is served over NATS by the Natrix starter,
 * actuator shows its health and metrics over HTTP. Run it against a nats-server:
 * {@code NATRIX_SERVERS=nats://127.0.0.1:4222 java -jar target/natrix-example-spring-boot-0.1.0-SNAPSHOT.jar}.
 */
@SpringBootApplication
public class FaresApplication {

    public static void main(String[] args) {
        SpringApplication.run(FaresApplication.class, args);
    }
}
