package io.cmsrouter.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Contentstack's webhook signing key, from {@code contentstack.public-keys-url} (field {@code signing-key}, a PEM:
 * PKCS#1 "RSA PUBLIC KEY" as published, or X.509 "PUBLIC KEY"). Fetched once and kept; fetched again when a
 * signature fails, at most once per {@code router.security.key-refresh-interval}, so a rotated key is picked up
 * without a restart and bad signatures cannot hammer the key URL. Only this configured URL is ever fetched.
 */
@Component
public class PublicKeys {
    private static final Logger LOG = LoggerFactory.getLogger(PublicKeys.class);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper mapper;
    private final URI url;
    private final Duration refreshInterval;
    private volatile PublicKey key;
    private volatile Instant fetchedAt = Instant.MIN;
    private final java.util.concurrent.locks.ReentrantLock fetching = new java.util.concurrent.locks.ReentrantLock();

    public PublicKeys(ObjectMapper mapper, @Value("${contentstack.public-keys-url}") String url,
                      SecurityProperties security) {
        this.mapper = mapper;
        this.url = URI.create(url);
        this.refreshInterval = security.getKeyRefreshInterval();
    }

    /** The current key, fetching it on first use (concurrent first requests wait for that fetch); null when it cannot be had. */
    public PublicKey current() {
        PublicKey k = key;
        if (k != null) {
            return k;
        }
        fetching.lock();
        try {
            return key != null ? key : fetch();
        } finally {
            fetching.unlock();
        }
    }

    /**
     * Fetches the key again unless it was fetched within the refresh interval, or another request is fetching it
     * (that request waits, the others go on with the key held); returns the key now held.
     */
    public PublicKey refresh() {
        if (Instant.now().isBefore(fetchedAt.plus(refreshInterval)) || !fetching.tryLock()) {
            return key;
        }
        try {
            return fetch();
        } finally {
            fetching.unlock();
        }
    }

    private PublicKey fetch() {
        if (Instant.now().isBefore(fetchedAt.plus(refreshInterval))) {
            return key;
        }
        fetchedAt = Instant.now();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                LOG.warn("Signing key not fetched from {}: HTTP {}", url, response.statusCode());
                return key;
            }
            JsonNode pem = mapper.readTree(response.body()).get("signing-key");
            key = parse(pem == null ? "" : pem.asText());
            LOG.info("Signing key fetched from {}", url);
        } catch (Exception e) {
            LOG.warn("Signing key not fetched from {}: {}", url, e.toString());
        }
        return key;
    }

    static PublicKey parse(String pem) throws Exception {
        boolean pkcs1 = pem.contains("BEGIN RSA PUBLIC KEY");
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(pkcs1 ? spki(der) : der));
    }

    /** Wraps a PKCS#1 RSAPublicKey in the X.509 SubjectPublicKeyInfo that Java's KeyFactory reads. */
    private static byte[] spki(byte[] pkcs1) {
        byte[] rsaAlgorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
                0x01, 0x01, 0x05, 0x00};
        ByteArrayOutputStream bitString = new ByteArrayOutputStream();
        bitString.write(0x03);
        writeLength(bitString, pkcs1.length + 1);
        bitString.write(0x00);
        bitString.writeBytes(pkcs1);
        ByteArrayOutputStream spki = new ByteArrayOutputStream();
        spki.write(0x30);
        writeLength(spki, rsaAlgorithm.length + bitString.size());
        spki.writeBytes(rsaAlgorithm);
        spki.writeBytes(bitString.toByteArray());
        return spki.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        }
    }
}
