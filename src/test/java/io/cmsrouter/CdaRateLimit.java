package io.cmsrouter;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulated stack's CDA rate limit, as Contentstack enforces it: at most {@code perSecond} entry and asset
 * requests in any second (a sliding window over what it served), and a 429 with Retry-After for the rest.
 */
final class CdaRateLimit implements ResponseDefinitionTransformerV2 {
    private final int perSecond;
    private final Deque<Long> served = new ArrayDeque<>();
    private final AtomicInteger refused = new AtomicInteger();
    private int peak;

    CdaRateLimit(int perSecond) {
        this.perSecond = perSecond;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        String url = event.getRequest().getUrl();
        if (!ContentstackSimulator.isCdaFetch(url)) {
            return event.getResponseDefinition();
        }
        synchronized (served) {
            long now = System.nanoTime();
            while (!served.isEmpty() && now - served.peekFirst() >= 1_000_000_000L) {
                served.pollFirst();
            }
            if (served.size() >= perSecond) {
                refused.incrementAndGet();
                return ResponseDefinitionBuilder.responseDefinition().withStatus(429).withHeader("Retry-After", "1")
                        .withBody("{\"error_message\": \"Too many requests\"}").build();
            }
            served.addLast(now);
            peak = Math.max(peak, served.size());
        }
        return event.getResponseDefinition();
    }

    /** The most requests served within one second so far. */
    int peak() {
        synchronized (served) {
            return peak;
        }
    }

    /** The requests answered 429 so far. */
    int refused() {
        return refused.get();
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }

    @Override
    public String getName() {
        return "cda-rate-limit";
    }
}
