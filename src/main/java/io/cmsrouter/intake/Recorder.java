package io.cmsrouter.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.cluster.Leases;
import io.cmsrouter.common.Timestamps;
import io.cmsrouter.intake.IntakeJournal.Entry;
import io.cmsrouter.intake.IntakeJournal.Recorded;
import io.cmsrouter.intake.IntakeJournal.Recovery;
import io.cmsrouter.store.SqlDialect;
import io.cmsrouter.store.Uuids;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes one webhook in the intake writer's transaction: a redelivery is recognised and recorded as such; a new event
 * gets its execution (leased to this instance, for the request that brought it to hand over), its stored body and its dedupe record.
 * <p>
 * Contentstack redelivers with a fresh triggered_at, so deliveries equal apart from triggered_at within
 * {@code router.dedupe.window} are one event, unless a newer event about the same subject came in between: then it is
 * the same change made again. An event recovered from Contentstack's executions log is judged by when Contentstack
 * sent it and the delivery the router has, however long ago that was. Only the intake writer calls this, so webhooks are recorded one after another.
 */
@Component
class Recorder {
    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final Leases leases;
    private final SqlDialect dialect;
    private final Duration dedupeWindow;
    private Instant lastCreatedAt;

    Recorder(JdbcTemplate jdbc, ObjectMapper mapper, Leases leases, SqlDialect dialect,
             @Value("${router.dedupe.window}") Duration dedupeWindow) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.leases = leases;
        this.dialect = dialect;
        this.dedupeWindow = dedupeWindow;
    }

    Recorded record(Entry e) {
        Timestamp now = nextCreatedAt();
        List<Map<String, Object>> earlier = jdbc.queryForList(
                "select execution_uid, received_at from delivery where fingerprint = ?", e.fingerprint());
        if (!earlier.isEmpty()) {
            Object uid = earlier.get(0).get("EXECUTION_UID");
            Instant receivedAt = Timestamps.of(earlier.get(0).get("RECEIVED_AT"));
            if (e.recovery() != null ? receivedSinceFirstSent(uid, e.recovery())
                    : !receivedAt.isBefore(now.toInstant().minus(dedupeWindow)) && !supersededSince(uid, e.subject())) {
                return new Recorded(uid.toString(), true);
            }
            // expired, or a newer event about the same subject came since: this is a new event after all
            jdbc.update("delete from delivery where fingerprint = ?", e.fingerprint());
        }
        UUID uid = Uuids.timeOrdered();
        leases.hold(uid.toString());
        jdbc.update("insert into execution (uid, created_at, updated_at, status, source, module, event, job_id, subject,"
                + " event_at, recovered_from, received_by, leased_by, lease_until)"
                + " values (?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", uid,
                now, now, e.source(), e.module(), e.event(), e.jobId(), e.subject(),
                e.eventAt() == null ? null : Timestamp.from(e.eventAt()),
                e.recovery() == null ? null : e.recovery().executionUid(), leases.holder(), leases.holder(),
                leases.until());
        jdbc.update("insert into webhook_event (execution_uid, headers, body) values (?, ?, ?)", uid, e.headers(), e.body());
        if (jdbc.update("insert into delivery (fingerprint, execution_uid, received_at) values (?, ?, ?)"
                + dialect.onConflictDoNothing("fingerprint"), e.fingerprint(), uid, now) == 0) {
            return recordedElsewhere(uid, e.fingerprint());
        }
        return new Recorded(uid.toString(), false);
    }

    /**
     * Another instance recorded the same delivery while this one was (a storm of redeliveries spread over the
     * cluster): the dedupe key is the table's, so this one is the duplicate, and what it wrote goes.
     */
    private Recorded recordedElsewhere(UUID uid, String fingerprint) {
        jdbc.update("delete from webhook_event where execution_uid = ?", uid);
        jdbc.update("delete from execution where uid = ?", uid);
        leases.forget(uid.toString());
        Object earlier = jdbc.queryForObject("select execution_uid from delivery where fingerprint = ?", Object.class,
                fingerprint);
        return new Recorded(String.valueOf(earlier), true);
    }

    /**
     * A recovered event is one the router already has when the equal delivery it received was sent at or after
     * Contentstack first sent this event (both times are Contentstack's triggered_at): that delivery was this event
     * or one of its retries. One sent before is an earlier event that made the same change, so this one is new.
     */
    private boolean receivedSinceFirstSent(Object earlierUid, Recovery recovery) {
        List<byte[]> body = jdbc.queryForList("select body from webhook_event where execution_uid = ?", byte[].class,
                earlierUid);
        Instant sentAt = body.isEmpty() ? null : triggeredAt(body.get(0));
        return sentAt != null && !sentAt.isBefore(recovery.firstSentAt());
    }

    private Instant triggeredAt(byte[] body) {
        try {
            return Timestamps.parseOr(mapper.readTree(body).path("triggered_at").asText(null), null);
        } catch (IOException unreadable) {
            return null;
        }
    }

    /**
     * Whether a newer event about the same subject came after the earlier delivery: then an equal delivery is not a
     * redelivery but the same change made again (publish, unpublish, publish the same version). Newer by the CMS's
     * event times where both are known and differ (a recovered event is recorded after events that happened later),
     * else by arrival.
     */
    private boolean supersededSince(Object earlierUid, String subject) {
        return !jdbc.queryForList("select 1 from execution later join execution earlier on earlier.uid = ?"
                + " where later.subject = ? and later.uid <> earlier.uid and case when later.event_at is not null"
                + " and earlier.event_at is not null and later.event_at <> earlier.event_at"
                + " then later.event_at > earlier.event_at else later.created_at > earlier.created_at end",
                earlierUid, subject).isEmpty();
    }

    /**
     * Creation times strictly increase in the order the writer records webhooks, so "arrived later" is exact, also
     * across a restart on a clock that stepped back; between instances it is as exact as their clocks agree.
     */
    private Timestamp nextCreatedAt() {
        if (lastCreatedAt == null) {
            Timestamp newest = jdbc.queryForObject("select max(created_at) from execution", Timestamp.class);
            lastCreatedAt = newest == null ? Instant.EPOCH : newest.toInstant();
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        lastCreatedAt = now.isAfter(lastCreatedAt) ? now : lastCreatedAt.plusNanos(1_000);
        return Timestamp.from(lastCreatedAt);
    }

}
