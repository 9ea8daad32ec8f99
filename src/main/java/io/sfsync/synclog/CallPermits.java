package io.sfsync.synclog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

/**
 * How many Salesforce calls may be in flight at once and how many may start per second. One instance
 * alone holds them in memory; instances that share work hold them in PostgreSQL (sync_call_permit,
 * sync_call_second), so the org's limits hold for the whole cluster: a permit is a row claimed with
 * {@code FOR UPDATE SKIP LOCKED}, a second's calls a row of the database's clock counted up to the limit.
 */
public abstract class CallPermits {
    /** A permit whose holder died (kill -9 mid-call) is free again after this long. */
    static final int PERMIT_SECONDS = 600;

    /** Waits for a permit (and, with a per-second limit, for the call's turn); hand it back with {@link #release}. */
    public abstract Object acquire() throws InterruptedException;

    public abstract void release(Object permit);

    /** This instance's own limits: calls in flight (the per-second limit is Camel's throttle, in its route). */
    public static CallPermits local(int maxConcurrent) {
        Semaphore s = new Semaphore(maxConcurrent, true);
        return new CallPermits() {
            @Override
            public Object acquire() throws InterruptedException {
                s.acquire();
                return s;
            }

            @Override
            public void release(Object permit) {
                if (permit == s) {
                    s.release();
                }
            }
        };
    }

    /** The cluster's limits, in the sync database (PostgreSQL). */
    public static CallPermits cluster(DataSource ds, String holder, int maxConcurrent, int perSecond) {
        return new Cluster(ds, new SqlSupport(ds), holder, maxConcurrent, perSecond);
    }

    private static final class Cluster extends CallPermits {
        private final DataSource ds;
        private final SqlSupport sql;
        private final String holder;
        private final int maxConcurrent;
        private final int perSecond;
        private final AtomicInteger granted = new AtomicInteger();
        private volatile boolean slotsMade;

        Cluster(DataSource ds, SqlSupport sql, String holder, int maxConcurrent, int perSecond) {
            this.ds = ds;
            this.sql = sql;
            this.holder = holder;
            this.maxConcurrent = maxConcurrent;
            this.perSecond = perSecond;
        }

        @Override
        public Object acquire() throws InterruptedException {
            if (!slotsMade) {
                sql.update("INSERT INTO sync_call_permit (slot) SELECT g FROM generate_series(1, 25) g ON CONFLICT DO NOTHING");
                slotsMade = true;
            }
            String token = holder + " " + java.util.UUID.randomUUID();
            long backoff = 5;
            while (sql.retrying("take a Salesforce call permit", () -> take(token)) == null) {
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 100);
            }
            if (perSecond > 0) {
                try {
                    while (!sql.retrying("take a turn of the calls per second", this::turn)) {
                        Thread.sleep(20);
                    }
                } catch (InterruptedException | RuntimeException e) {
                    release(token);
                    throw e;
                }
                if (granted.incrementAndGet() % 500 == 0) {
                    sql.update("DELETE FROM sync_call_second WHERE at_second < CAST(FLOOR(EXTRACT(EPOCH FROM clock_timestamp()))"
                            + " AS BIGINT) - 120");
                }
            }
            return token;
        }

        private Integer take(String token) throws java.sql.SQLException {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE sync_call_permit"
                    + " SET holder = ?, until = CURRENT_TIMESTAMP + INTERVAL '" + PERMIT_SECONDS + " seconds' WHERE slot ="
                    + " (SELECT slot FROM sync_call_permit WHERE slot <= ? AND (holder IS NULL OR until < CURRENT_TIMESTAMP)"
                    + " ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING slot")) {
                ps.setString(1, token);
                ps.setInt(2, maxConcurrent);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : null;
                }
            }
        }

        /** One of this second's calls, when the second has one left (by the database's clock). */
        private boolean turn() throws java.sql.SQLException {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO sync_call_second"
                    + " (at_second, calls) VALUES (CAST(FLOOR(EXTRACT(EPOCH FROM clock_timestamp())) AS BIGINT), 1)"
                    + " ON CONFLICT (at_second) DO UPDATE SET calls = sync_call_second.calls + 1"
                    + " WHERE sync_call_second.calls < ? RETURNING at_second")) {
                ps.setInt(1, perSecond);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }

        @Override
        public void release(Object permit) {
            if (permit instanceof String token) {
                sql.update("UPDATE sync_call_permit SET holder = NULL, until = NULL WHERE holder = ?", token);
            }
        }
    }
}
