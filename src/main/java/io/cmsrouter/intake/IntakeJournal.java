package io.cmsrouter.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.cluster.Leases;
import io.cmsrouter.common.Timestamps;
import io.cmsrouter.security.Redactor;
import io.cmsrouter.store.Durability;
import io.cmsrouter.contentful.ContentfulFacts;
import io.cmsrouter.webhook.EventFacts;
import io.cmsrouter.source.Sources;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The intake journal: every accepted webhook is written here, durably, before it is acknowledged.
 * <p>
 * Group commit: request threads hand their webhook to one writer thread and wait. The writer takes what has arrived,
 * up to {@code router.intake.batch-size} webhooks or whatever arrives within {@code router.intake.batch-window} of
 * the first, writes them in one transaction, makes it durable ({@link Durability}), and only then releases their
 * requests. A burst costs one commit per batch instead of one per webhook.
 * <p>
 * Deduplication is decided by the {@link Recorder}, in arrival order, inside the batch's transaction, so it is
 * exact for twins that arrive in the same batch too.
 */
@Component("journal")
public class IntakeJournal {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeJournal.class);
    /** How long a request waits for its batch: far beyond any healthy commit, short of Contentstack's 30 s. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(20);

    private final Recorder recorder;
    private final TransactionTemplate transactions;
    private final Durability durability;
    private final Leases leases;
    private final Fingerprints fingerprints;
    private final Redactor redactor;
    private final ObjectMapper mapper;
    private final int batchSize;
    private final long windowNanos;
    private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private final DistributionSummary batchSizes;
    private final Timer commits;
    private final Thread writer;
    private volatile boolean running = true;

    /** An accepted webhook's execution, and whether it is a redelivery of one already recorded. */
    public record Recorded(String uid, boolean duplicate) {
    }

    /**
     * A webhook on its way to the writer, and the request waiting for it. A recovered one ({@link #appendRecovered})
     * names the Contentstack execution it came from and when Contentstack first sent it; a delivered one has null.
     */
    record Entry(byte[] body, byte[] headers, String fingerprint, String subject, String source, String module,
                 String event, String jobId, Instant eventAt, Recovery recovery, long enqueuedAt,
                 CompletableFuture<Recorded> done) {
    }

    /** Where a recovered event comes from: a Contentstack execution, first attempted at {@code firstSentAt}. */
    public record Recovery(String executionUid, Instant firstSentAt) {
    }

    public IntakeJournal(Recorder recorder, PlatformTransactionManager transactionManager, Durability durability,
                         Leases leases, Fingerprints fingerprints, Redactor redactor, ObjectMapper mapper,
                         MeterRegistry meters, @Value("${router.intake.batch-size}") int batchSize,
                         @Value("${router.intake.batch-window}") Duration batchWindow) {
        this.recorder = recorder;
        this.transactions = new TransactionTemplate(transactionManager);
        this.durability = durability;
        this.leases = leases;
        this.fingerprints = fingerprints;
        this.redactor = redactor;
        this.mapper = mapper;
        this.batchSize = Math.max(1, batchSize);
        this.windowNanos = batchWindow.toNanos();
        this.batchSizes = DistributionSummary.builder("router.intake.batch.size").baseUnit("webhooks")
                .description("Webhooks written per group commit").register(meters);
        this.commits = Timer.builder("router.intake.commit")
                .description("Time to write and flush one group commit").register(meters);
        this.writer = new Thread(this::writeBatches, "intake-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Records the webhook (its raw body once; its headers with secrets redacted) and returns once that is durable;
     * a new execution comes back claimed, for the request to hand to the dispatcher. The fingerprint and the other
     * facts are worked out here, on the request's thread; the writer only writes.
     */
    public Recorded append(@ExchangeProperty("rawBody") byte[] body, @Body JsonNode event,
                           @Headers Map<String, Object> headers) {
        EventFacts facts = EventFacts.of(event);
        return write(new Entry(body, json(redactor.headers(headers)), fingerprints.of(event), facts.subject(),
                Sources.CONTENTSTACK, event.path("module").asText(), event.path("event").asText(), facts.jobId(),
                Timestamps.parseOr(event.path("triggered_at").asText(null), null), null, System.nanoTime(), new CompletableFuture<>()));
    }

    /**
     * Records a Contentstack event read from the webhook's executions log (it reached Contentstack's log but not the
     * router), as {@link #append} does; it is a duplicate when the router received an equal delivery at or after
     * the time Contentstack first sent it.
     */
    public Recorded appendRecovered(@Body byte[] body, @ExchangeProperty("event") JsonNode event,
                                    @ExchangeProperty("eventHeaders") Map<String, Object> headers,
                                    @ExchangeProperty("recovery") Recovery recovery) {
        EventFacts facts = EventFacts.of(event);
        return write(new Entry(body, json(redactor.headers(headers)), fingerprints.of(event), facts.subject(),
                Sources.CONTENTSTACK, event.path("module").asText(), event.path("event").asText(), facts.jobId(),
                recovery.firstSentAt(), recovery, System.nanoTime(), new CompletableFuture<>()));
    }

    /**
     * Records a Contentful webhook as {@link #append} does. Its {@code X-Contentful-Idempotency-Key} names the event
     * (a redelivery carries the same one); without one, the body's fingerprint does.
     */
    public Recorded appendContentful(@ExchangeProperty("rawBody") byte[] body, @Body JsonNode event,
                                     @Headers Map<String, Object> headers,
                                     @ExchangeProperty("contentful") ContentfulFacts facts,
                                     @Header("X-Contentful-Idempotency-Key") String idempotencyKey) {
        String fingerprint = idempotencyKey == null || idempotencyKey.isBlank() ? fingerprints.of(event)
                : fingerprints.ofKey(Sources.CONTENTFUL, idempotencyKey.trim());
        return write(new Entry(body, json(redactor.headers(headers)), fingerprint, facts.subject(), Sources.CONTENTFUL,
                facts.type(), facts.action(), null, null, null, System.nanoTime(), new CompletableFuture<>()));
    }

    private Recorded write(Entry entry) {
        if (!running) {
            throw new IntakeUnavailableException("the intake journal is closed", 1);
        }
        queue.add(entry);
        try {
            return entry.done().get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            LOG.warn("A webhook could not be recorded: {}", e.getCause().toString());
            throw new IntakeUnavailableException("the webhook could not be recorded; deliver again later", 1);
        } catch (TimeoutException e) {
            abandon(entry);
            throw new IntakeUnavailableException("the webhook was not recorded within " + MAX_WAIT.toSeconds()
                    + " s; deliver again later", 5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(entry);
            throw new IntakeUnavailableException("interrupted while the webhook was being recorded", 1);
        }
    }

    /**
     * The request gives up on its webhook. If the writer records it anyway, nobody hands the execution over, so its
     * claim goes back and the backlog sweep runs it.
     */
    private void abandon(Entry entry) {
        if (!entry.done().cancel(false) && !entry.done().isCompletedExceptionally()) {
            Recorded recorded = entry.done().join();
            if (!recorded.duplicate()) {
                leases.releaseHeld(recorded.uid());
            }
        }
    }

    private void writeBatches() {
        List<Entry> batch = new ArrayList<>(batchSize);
        while (running || !queue.isEmpty()) {
            try {
                Entry first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - batch.size());
                long deadline = first.enqueuedAt() + windowNanos;
                while (batch.size() < batchSize && System.nanoTime() < deadline) {
                    Entry next = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (next != null) {
                        batch.add(next);
                        queue.drainTo(batch, batchSize - batch.size());
                    }
                }
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error unexpected) {
                LOG.error("Intake writer: {}", unexpected.toString(), unexpected);
                batch.forEach(entry -> entry.done().completeExceptionally(unexpected));
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * One transaction and one flush for the batch; if it fails, each webhook is tried alone so one cannot sink all.
     * A new execution is claimed for its request before it is committed: the backlog sweep, which would otherwise
     * find it there first, leaves it to the request to hand over.
     */
    private void write(List<Entry> batch) {
        List<Recorded> recorded = new ArrayList<>(batch.size());
        long started = System.nanoTime();
        try {
            transactions.executeWithoutResult(tx -> batch.forEach(entry -> recorded.add(recorder.record(entry))));
            durability.flush();
            commits.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            batchSizes.record(batch.size());
        } catch (RuntimeException | Error failed) {
            // whatever was committed after all is left to the sweep
            recorded.stream().filter(r -> !r.duplicate()).forEach(r -> leases.releaseHeld(r.uid()));
            if (failed instanceof Error error) {
                throw error;
            }
            if (batch.size() == 1) {
                LOG.warn("A webhook could not be recorded: {}", failed.toString());
                batch.get(0).done().completeExceptionally(failed);
            } else {
                LOG.warn("A group commit of {} webhooks failed ({}); recording them one by one", batch.size(),
                        failed.toString());
                batch.forEach(entry -> write(List.of(entry)));
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Recorded r = recorded.get(i);
            if (!batch.get(i).done().complete(r) && !r.duplicate()) {
                leases.releaseHeld(r.uid());
            }
        }
    }

    private byte[] json(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the request headers", e);
        }
    }

    /** Records what is already queued, then stops; requests still arriving were refused by {@link Intake}. */
    @PreDestroy
    public void close() throws InterruptedException {
        running = false;
        writer.join(MAX_WAIT.toMillis());
    }
}
