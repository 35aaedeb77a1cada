package io.cmsrouter.bench.bare;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The limit of the web layer: the same server stack as the router (Spring Boot 3.5.9, embedded Tomcat), one POST
 * endpoint on the router's path that reads the whole body and answers 202. No verification, parsing or storage.
 */
@SpringBootApplication
@RestController
public class BareApplication {
    public static void main(String[] args) {
        SpringApplication.run(BareApplication.class, args);
    }

    @PostMapping("/webhooks/contentstack")
    public ResponseEntity<Void> accept(@RequestBody byte[] body) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).build();
    }
}
