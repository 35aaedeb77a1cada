package io.cmsrouter.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.security.Redactor;
import io.cmsrouter.store.Claims;
import io.cmsrouter.store.Durability;
import io.cmsrouter.store.Uuids;
import io.cmsrouter.webhook.EventFacts;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * Deduplication is decided here, in arrival order, inside the batch's transaction, so it is exact for twins that
 * arrive in the same batch too: Contentstack redelivers with a fresh triggered_at, so deliveries equal apart from
 * triggered_at within {@code router.dedupe.window} are one event, unless a newer event about the same subject came
 * in between (then it is the same change made again).
 */
@Component("journal")
public class IntakeJournal {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeJournal.class);
    /** How long a request waits for its batch: far beyond any healthy commit, short of Contentstack's 30 s. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(20);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Durability durability;
    private final Claims claims;
    private final Fingerprints fingerprints;
    private final Redactor redactor;
    private final ObjectMapper mapper;
    private final Duration dedupeWindow;
    private final int batchSize;
    private final long windowNanos;
    private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private final DistributionSummary batchSizes;
    private final Timer commits;
    private final Thread writer;
    private volatile boolean running = true;
    private Instant lastCreatedAt = Instant.EPOCH;

    /** An accepted webhook's execution, and whether it is a redelivery of one already recorded. */
    public record Recorded(String uid, boolean duplicate) {
    }

    private record Entry(byte[] body, byte[] headers, String fingerprint, String subject, String module, String event,
                         String jobId, long enqueuedAt, CompletableFuture<Recorded> done) {
    }

    public IntakeJournal(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Durability durability,
                         Claims claims, Fingerprints fingerprints, Redactor redactor, ObjectMapper mapper, MeterRegistry meters,
                         @Value("${router.dedupe.window}") Duration dedupeWindow,
                         @Value("${router.intake.batch-size}") int batchSize,
                         @Value("${router.intake.batch-window}") Duration batchWindow) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.durability = durability;
        this.claims = claims;
        this.fingerprints = fingerprints;
        this.redactor = redactor;
        this.mapper = mapper;
        this.dedupeWindow = dedupeWindow;
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
        Entry entry = new Entry(body, json(redactor.headers(headers)), fingerprints.of(event), facts.subject(),
                event.path("module").asText(), event.path("event").asText(), facts.jobId(), System.nanoTime(),
                new CompletableFuture<>());
        if (!running) {
            throw new IllegalStateException("the intake journal is closed");
        }
        queue.add(entry);
        try {
            return entry.done().get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            // if the writer records it after all, it finds the request gone and leaves the execution to the sweep
            entry.done().cancel(false);
            throw new IllegalStateException("the webhook was not recorded within " + MAX_WAIT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the webhook was being recorded");
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
            } catch (Throwable unexpected) {
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
            transactions.executeWithoutResult(tx -> batch.forEach(entry -> recorded.add(record(entry))));
            durability.flush();
            commits.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            batchSizes.record(batch.size());
        } catch (RuntimeException failed) {
            recorded.stream().filter(r -> !r.duplicate()).forEach(r -> claims.release(r.uid()));
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
                claims.release(r.uid());
            }
        }
    }

    private Recorded record(Entry e) {
        Timestamp now = nextCreatedAt();
        List<Map<String, Object>> earlier = jdbc.queryForList(
                "select execution_uid, received_at from delivery where fingerprint = ?", e.fingerprint());
        if (!earlier.isEmpty()) {
            Object uid = earlier.get(0).get("EXECUTION_UID");
            Timestamp receivedAt = Timestamp.from(instant(earlier.get(0).get("RECEIVED_AT")));
            if (!receivedAt.before(Timestamp.from(now.toInstant().minus(dedupeWindow)))
                    && !supersededSince(uid, e.subject())) {
                return new Recorded(uid.toString(), true);
            }
            // expired, or a newer event about the same subject came since: this is a new event after all
            jdbc.update("delete from delivery where fingerprint = ?", e.fingerprint());
        }
        UUID uid = Uuids.timeOrdered();
        claims.claim(uid.toString());
        jdbc.update("insert into execution (uid, created_at, updated_at, status, module, event, job_id, subject)"
                + " values (?, ?, ?, 'received', ?, ?, ?, ?)", uid, now, now, e.module(), e.event(), e.jobId(), e.subject());
        jdbc.update("insert into webhook_event (execution_uid, headers, body) values (?, ?, ?)", uid, e.headers(), e.body());
        jdbc.update("insert into delivery (fingerprint, execution_uid, received_at) values (?, ?, ?)",
                e.fingerprint(), uid, now);
        return new Recorded(uid.toString(), false);
    }

    /**
     * Whether another event about the same subject arrived after the earlier delivery: then an equal delivery is
     * not a redelivery but the same change made again (publish, unpublish, publish the same version).
     */
    private boolean supersededSince(Object earlierUid, String subject) {
        return !jdbc.queryForList("select 1 from execution later join execution earlier on earlier.uid = ?"
                + " where later.subject = ? and later.created_at > earlier.created_at", earlierUid, subject).isEmpty();
    }

    /** Creation times strictly increase in the order the writer records webhooks, so "arrived later" is exact. */
    private Timestamp nextCreatedAt() {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        lastCreatedAt = now.isAfter(lastCreatedAt) ? now : lastCreatedAt.plusNanos(1_000);
        return Timestamp.from(lastCreatedAt);
    }

    private static Instant instant(Object value) {
        return value instanceof java.time.OffsetDateTime o ? o.toInstant() : ((Timestamp) value).toInstant();
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
