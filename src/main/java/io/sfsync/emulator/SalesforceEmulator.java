package io.sfsync.emulator;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import io.sfsync.emulator.api.Json;
import io.sfsync.emulator.api.RestRouter;
import io.sfsync.emulator.auth.Credentials;
import io.sfsync.emulator.auth.OAuthEndpoints;
import io.sfsync.emulator.auth.SessionStore;
import io.sfsync.emulator.control.ApiLimits;
import io.sfsync.emulator.control.CallCounter;
import io.sfsync.emulator.control.ControlPlane;
import io.sfsync.emulator.control.Faults;
import io.sfsync.emulator.control.OrgLoader;
import io.sfsync.emulator.control.OrgState;
import io.sfsync.emulator.org.OrgSchema;
import io.sfsync.emulator.org.SObjectDef;

/**
 * A stateful, in-memory Salesforce org behind Salesforce's REST API, on plain HTTP. Real clients
 * (camel-salesforce, jsforce, the Salesforce CLI) log in at {@link #loginUrl()} and cannot tell it
 * from an org; tests, the benchmark and the demo steer it through the control plane under
 * {@code /_emulator} or the Java methods here. It imports nothing from the sync code.
 */
public final class SalesforceEmulator implements AutoCloseable {
    public static final String DEFAULT_API_VERSION = "62.0";

    private final Settings settings;
    private final EmulatedOrg org;
    private final AtomicReference<Credentials> credentials;
    private final SessionStore sessions;
    private final ApiLimits limits;
    private final Faults faults;
    private final CallCounter calls = new CallCounter();
    private final Json json = new Json();
    private final ExecutorService bulkWorker;
    private final RestRouter router;
    private final OAuthEndpoints oauth;
    private final ControlPlane control;
    private Server server;
    private volatile String baseUrl;

    /**
     * Start-up settings.
     *
     * @param port 0 for a free port
     * @param host the address to bind (127.0.0.1 unless it must be reachable from elsewhere)
     * @param dataFile an org definition (YAML or JSON: custom objects and fields, picklists, records) or null
     * @param stateFile where the org is kept between runs (loaded at start, written at stop) or null
     */
    public record Settings(String host, int port, Credentials credentials, long latencyMs, long dailyApiLimit,
            int maxConcurrent, Path dataFile, Path stateFile) {
    }

    public static Builder builder() {
        return new Builder();
    }

    private SalesforceEmulator(Settings settings) {
        this.settings = settings;
        this.credentials = new AtomicReference<>(settings.credentials());
        this.org = new EmulatedOrg(OrgSchema.standard(), settings.credentials().username(), Clock.systemUTC());
        this.sessions = new SessionStore(org.orgId());
        this.limits = new ApiLimits(settings.dailyApiLimit(), settings.maxConcurrent());
        this.faults = new Faults(settings.latencyMs());
        this.bulkWorker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "emulator-bulk2");
            t.setDaemon(true);
            return t;
        });
        this.oauth = new OAuthEndpoints(org, sessions, credentials);
        this.router = new RestRouter(org, limits, json, bulkWorker, userId -> oauth.identityUrl(instanceUrl(), userId));
        this.control = new ControlPlane(this);
    }

    public synchronized SalesforceEmulator start() {
        if (server != null) {
            return this;
        }
        try {
            boolean restored = settings.stateFile() != null && state().load(settings.stateFile());
            if (settings.dataFile() != null && !restored) {
                new OrgLoader(this).load(settings.dataFile());
            }
            QueuedThreadPool threads = new QueuedThreadPool(256, 8);
            threads.setName("emulator-http");
            threads.setDaemon(true);
            Server s = new Server(threads);
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            http.setSendDateHeader(true);
            // Salesforce accepts a request URI plus headers up to 16 KB (long SOQL IN lists rely on it)
            http.setRequestHeaderSize(16_384);
            // the Salesforce CLI sends "//services/data/..." when its instance URL ends with a slash
            http.setUriCompliance(UriCompliance.DEFAULT.with("sfsync", UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
            ServerConnector connector = new ServerConnector(s, new HttpConnectionFactory(http));
            connector.setHost(settings.host());
            connector.setPort(settings.port());
            s.addConnector(connector);
            s.setHandler(new EmulatorHandler(this));
            s.start();
            server = s;
            String advertised = settings.host().equals("0.0.0.0") ? "127.0.0.1" : settings.host();
            baseUrl = "http://" + advertised + ":" + connector.getLocalPort();
            return this;
        } catch (Exception e) {
            throw new IllegalStateException("The Salesforce emulator could not start on port " + settings.port()
                    + ": " + e.getMessage(), e);
        }
    }

    public synchronized void stop() {
        if (server != null) {
            try {
                if (settings.stateFile() != null) {
                    state().save(settings.stateFile());
                }
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                server = null;
            }
        }
        bulkWorker.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }

    /** The login URL (and instance URL: one server answers both). */
    public String loginUrl() {
        return baseUrl;
    }

    public String instanceUrl() {
        return baseUrl;
    }

    public int port() {
        return Integer.parseInt(baseUrl.substring(baseUrl.lastIndexOf(':') + 1));
    }

    public Credentials credentials() { return credentials.get(); }
    public void credentials(Credentials c) { credentials.set(c); }
    public EmulatedOrg org() { return org; }
    public SessionStore sessions() { return sessions; }
    public ApiLimits limits() { return limits; }
    public Faults faults() { return faults; }
    public CallCounter calls() { return calls; }
    public Json json() { return json; }
    public RestRouter router() { return router; }
    public OAuthEndpoints oauth() { return oauth; }
    public ControlPlane control() { return control; }

    /** Writes the org to the state file now (also done at stop); false when no state file is configured. */
    public boolean save() {
        if (settings.stateFile() == null) {
            return false;
        }
        state().save(settings.stateFile());
        return true;
    }

    private OrgState state() {
        return new OrgState(org, new OrgLoader(this));
    }

    /** Back to the baseline org: records, credentials, counters, faults, latency and Bulk jobs; sessions stay valid. */
    /** The credentials it started with again (after a rotation), the org and everything else as they are. */
    public void restoreCredentials() {
        credentials.set(settings.credentials());
    }

    public void reset() {
        credentials.set(settings.credentials());
        org.reset();
        router.reset();
        limits.set(settings.dailyApiLimit(), 0L, settings.maxConcurrent());
        calls.reset();
        faults.clear();
        faults.latencyMs(settings.latencyMs());
    }

    /** Seeds records (see {@link OrgLoader}); returns the Ids of records that carried a {@code _ref}. */
    public Map<String, String> seed(Map<String, List<Map<String, Object>>> records) {
        return new OrgLoader(this).seed(records);
    }

    /**
     * Defines a custom object (or defines it again), as one item of an org definition's
     * {@code objects:} list (see {@link io.sfsync.emulator.control.OrgLoader}); a bad definition
     * is an IllegalArgumentException naming what is wrong.
     */
    public SObjectDef defineObject(Map<String, Object> definition) {
        return new OrgLoader(this).defineObject(definition);
    }

    /** Converts a Lead as Salesforce's convertLead does; returns ConvertedContactId and ConvertedAccountId. */
    public Map<String, String> convertLead(String leadId, String accountId, String contactId) {
        return new LeadConverter(org).convert(leadId, accountId, contactId);
    }

    /** Merges one or two duplicates into a master Lead, Contact or Account as Salesforce's merge does. */
    public Map<String, Object> merge(String object, String masterId, List<String> duplicates) {
        return new RecordMerger(org).merge(object, masterId, duplicates);
    }

    /**
     * A system update, as a roll-up or formula recalculation makes: SystemModstamp becomes
     * {@code modstamp} (now when null) on each record, LastModifiedDate stays; all or none.
     */
    public Map<String, Object> touch(String object, List<String> ids, Instant modstamp) {
        return new RecordToucher(org).touch(object, ids, modstamp);
    }

    /** Runs a task on the thread that runs Bulk API jobs, after the jobs queued before it (tests hold jobs with it). */
    void onBulkWorker(Runnable task) {
        bulkWorker.submit(task);
    }

    /** A plain-text summary for the console: where to log in and with what. */
    public String describeLogin(boolean showSecrets) {
        Credentials c = credentials.get();
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("Login URL", loginUrl());
        lines.put("Instance URL", instanceUrl());
        lines.put("Token endpoint", loginUrl() + "/services/oauth2/token");
        lines.put("Client id", c.clientId());
        lines.put("Client secret", showSecrets ? c.clientSecret() : "***");
        lines.put("Username", c.username());
        lines.put("Password", showSecrets ? c.password() : "***");
        lines.put("Refresh token", showSecrets ? c.refreshToken() : "***");
        lines.put("API version", DEFAULT_API_VERSION);
        lines.put("Control plane", loginUrl() + "/_emulator");
        StringBuilder sb = new StringBuilder();
        lines.forEach((k, v) -> sb.append(String.format("  %-15s %s%n", k + ":", v)));
        return sb.toString();
    }

    /** Settings with sensible defaults: a free port on loopback and freshly generated secrets. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String clientId = "sfsync-emulator";
        private String clientSecret = throwaway();
        private String username = "integration@sfsync.example";
        private String password = throwaway();
        private String refreshToken = throwaway();
        private String jwtCertificatePem;
        private long latencyMs;
        private long dailyApiLimit = 15_000;
        private int maxConcurrent = 25;
        private Path dataFile;
        private Path stateFile;

        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder clientId(String v) { clientId = v; return this; }
        public Builder clientSecret(String v) { clientSecret = v; return this; }
        public Builder username(String v) { username = v; return this; }
        public Builder password(String v) { password = v; return this; }
        public Builder refreshToken(String v) { refreshToken = v; return this; }
        public Builder jwtCertificatePem(String v) { jwtCertificatePem = v; return this; }
        public Builder latencyMs(long v) { latencyMs = v; return this; }
        public Builder dailyApiLimit(long v) { dailyApiLimit = v; return this; }
        public Builder maxConcurrent(int v) { maxConcurrent = v; return this; }
        public Builder dataFile(Path v) { dataFile = v; return this; }
        public Builder stateFile(Path v) { stateFile = v; return this; }

        public SalesforceEmulator build() {
            Credentials c = new Credentials(clientId, clientSecret, username, password, refreshToken, jwtCertificatePem);
            return new SalesforceEmulator(new Settings(host, port, c, latencyMs, dailyApiLimit, maxConcurrent, dataFile,
                    stateFile));
        }

        private static String throwaway() {
            byte[] b = new byte[16];
            new SecureRandom().nextBytes(b);
            return HexFormat.of().formatHex(b);
        }
    }
}
