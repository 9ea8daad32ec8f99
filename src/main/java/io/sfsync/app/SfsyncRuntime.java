package io.sfsync.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;

import io.sfsync.config.SyncConfig;
import io.sfsync.config.SyncConfigLoader;
import io.sfsync.db.Databases;
import io.sfsync.demo.DemoData;
import io.sfsync.demo.DemoOrg;
import io.sfsync.emulator.SalesforceEmulator;
import io.sfsync.routes.JobScheduleRoutes;
import io.sfsync.api.Access;
import io.sfsync.api.ApiRoutes;
import io.sfsync.api.ConsoleRoutes;
import io.sfsync.api.EnvUserDirectory;
import io.sfsync.api.SyncApi;
import io.sfsync.routes.SyncRoutes;
import io.sfsync.sync.SyncSteps;
import io.sfsync.salesforce.ConnectionMonitor;
import io.sfsync.sync.SyncMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sfsync.sync.RunContext;
import io.sfsync.synclog.SyncStore;

/**
 * sfsync assembled: the configuration, the source database and sync tables, optionally the bundled
 * Salesforce emulator (and the demo data), and Camel Main with the Java building blocks and the YAML
 * routes. {@code serve}, {@code run}, {@code plan} and the tests all start it the same way.
 */
public final class SfsyncRuntime implements AutoCloseable, io.sfsync.api.SyncBackend {
    private static final Logger LOG = LoggerFactory.getLogger(SfsyncRuntime.class);

    /**
     * @param emulator start the bundled Salesforce emulator in-process and point camel-salesforce at it
     * @param demo seed an empty source with demo data and the emulator with the demo org
     * @param schedules start the jobs' Quartz schedules
     * @param overrides property overrides (tests, CLI)
     */
    public record Options(Path configDir, Path routesDir, boolean emulator, boolean demo, boolean schedules,
            Map<String, String> overrides) {

        public static Options defaults() {
            return new Options(Path.of("config"), Path.of("routes"), false, false, true, Map.of());
        }

        public Options withEmulator(boolean v) { return new Options(configDir, routesDir, v, demo, schedules, overrides); }
        public Options withDemo(boolean v) { return new Options(configDir, routesDir, emulator, v, schedules, overrides); }
        public Options withSchedules(boolean v) { return new Options(configDir, routesDir, emulator, demo, v, overrides); }
        public Options withOverrides(Map<String, String> v) { return new Options(configDir, routesDir, emulator, demo, schedules, v); }
    }

    private final Options options;
    private final Main main;
    private final SalesforceEmulator emulator;
    private final HikariDataSource source;
    /** The API's and console's port (the real one when 0 was asked for); -1 when nothing is served. */
    private final int httpPort;
    /** Serving on PostgreSQL: Quartz's clustered JDBC job store, so each job fires once across instances. */
    private final boolean clustered;
    /** The running configuration: a serving sfsync swaps it when sync.yaml changes (see {@link ConfigReloader}). */
    private volatile SyncConfig config;
    /** serve and demo: sync.yaml read again on change; null for one-off commands. */
    private final ConfigReloader reloader;
    private final SyncStore store;
    private final SyncRoutes syncRoutes;
    private final PrometheusMeterRegistry meterRegistry;
    private final ConnectionMonitor connection;
    private final SyncMetrics metrics;
    private final EnvUserDirectory users;
    private final AppProperties props;
    private io.sfsync.monitoring.HawtioServer hawtio;
    private final java.util.concurrent.CompletableFuture<Void> migration;

    private SfsyncRuntime(Options options) {
        this.options = options;
        Path propertiesFile = options.configDir().resolve("application.properties");
        if (!Files.isRegularFile(propertiesFile)) {
            throw new SyncConfigLoader.InvalidConfigException(propertiesFile.toAbsolutePath().toString(),
                    List.of("does not exist: run sfsync from its directory or pass --config DIR"));
        }
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        // "env.NAME" overrides stand in for environment variables (benchmark, tests)
        options.overrides().forEach((k, v) -> {
            if (k.startsWith("env.")) {
                env.put(k.substring(4), v);
            }
        });
        AppProperties props = new AppProperties(propertiesFile, options.overrides(), env::get);
        this.props = props;
        // application.properties is checked before anything starts, so a bad value leaves nothing running
        Settings settings = new Settings(propertiesFile, props);
        int emulatorPort = settings.integer("sfsync.emulator.port", 0);
        String sourceUrl = settings.required("sfsync.source.url", "a JDBC URL, e.g. jdbc:postgresql://db:5432/crm");
        int poolSize = settings.integer("sfsync.source.pool-size", 8);
        int degradedBelow = settings.integer("sfsync.salesforce.degraded-below-percent", 10);
        // read by routes/sync-errors.camel.yaml (route configuration sfsync-salesforce-calls); checked here
        settings.integer("sfsync.salesforce.redeliveries", 4);
        int redeliveryDelay = settings.integer("sfsync.salesforce.redelivery-delay-ms", 250);
        int hawtioPort = settings.integer("sfsync.hawtio.port", 8090);
        settings.integer("sfsync.demo.people", 200);
        int httpPort = settings.integer("camel.server.port", 8080);
        String phoneRegion = settings.phoneRegion("sfsync.phone.default-region", "US");
        settings.integer("sfsync.cluster.checkin-ms", 7500);
        int workers = settings.integer("sfsync.cluster.workers", 2);
        int unitLease = settings.integer("sfsync.cluster.unit-lease-seconds", 30);
        int workPoll = settings.integer("sfsync.cluster.work-poll-ms", 500);
        if (workers < 0 || workers > 32) {
            settings.problem("sfsync.cluster.workers: " + workers + " is out of range (0 to 32; 0: this instance works"
                    + " only the units of runs that fire here)");
        }
        if (workers >= 0 && poolSize < 2 * (workers + 1) + 2) {
            settings.problem("sfsync.cluster.workers: " + workers + " workers need sfsync.source.pool-size of at least "
                    + (2 * (workers + 1) + 2) + " (it is " + poolSize + "): each unit a worker runs reads, records and"
                    + " renews its lease on connections of its own; raise the pool or lower the workers");
        }
        if (unitLease < 5) {
            settings.problem("sfsync.cluster.unit-lease-seconds: " + unitLease + " is too short (at least 5: a worker"
                    + " renews it every third of it)");
        }
        settings.failIfAny();
        boolean serving = !"false".equals(options.overrides().get(API_ENABLED))
                && !"false".equals(props.get("camel.server.enabled", "true"));
        // a port another process holds is one clear line before anything starts (0: any free port)
        List<String> busy = new java.util.ArrayList<>();
        if (options.emulator() && emulatorPort != 0) {
            portInUse(busy, "127.0.0.1", emulatorPort, "sfsync.emulator.port", "the bundled emulator's port; demo takes"
                    + " --emulator-port 0 for a free one");
        }
        if (serving && httpPort != 0) {
            portInUse(busy, props.get("camel.server.host", "127.0.0.1"), httpPort, "camel.server.port",
                    "the API and console; SFSYNC_HTTP_PORT or --http-port, 0 for a free one");
        }
        if (Boolean.parseBoolean(props.get("sfsync.hawtio.enabled", "true")) && hawtioPort != 0) {
            portInUse(busy, props.get("sfsync.hawtio.host", "127.0.0.1"), hawtioPort, "sfsync.hawtio.port",
                    "Hawtio; SFSYNC_HAWTIO_PORT or --hawtio-port, 0 for a free one");
        }
        if (!busy.isEmpty()) {
            throw new SyncConfigLoader.InvalidConfigException(propertiesFile.toString(), busy);
        }
        // port 0: a free port chosen now, so the real one is known and printed
        this.httpPort = !serving ? -1 : httpPort != 0 ? httpPort : freePort();
        this.clustered = options.schedules() && io.sfsync.cluster.ClusteredQuartz.supports(sourceUrl)
                && Boolean.parseBoolean(props.get("sfsync.cluster.enabled", "true"));
        SalesforceEmulator emu = null;
        HikariDataSource pool = null;
        try {
            if (options.emulator()) {
                emu = SalesforceEmulator.builder().port(emulatorPort).build().start();
                env.put("SFSYNC_SF_LOGIN_URL", emu.loginUrl());
                LOG.info("Embedded Salesforce emulator at {}", emu.loginUrl());
            }
            this.emulator = emu;
            this.users = new EnvUserDirectory(env::get);
            this.config = new SyncConfigLoader(env::get).load(options.configDir().resolve("sync.yaml"));
            if (emu == null && props.get("sfsync.salesforce.credentials-file", "").isBlank()) {
                List<String> missing = missingCredentials(config.salesforce().auth(), props);
                if (!missing.isEmpty()) {
                    throw new SyncConfigLoader.InvalidConfigException(propertiesFile.toString(), missing);
                }
            }
            pool = Databases.pool("source", sourceUrl, props.get("sfsync.source.user", "sa"),
                    props.get("sfsync.source.password", ""), poolSize);
            this.source = pool;
            // the sync tables are migrated while Camel Main reads the routes; Camel starts none before it is done
            this.migration = startMigration(pool, options.demo());
            this.store = new SyncStore(source);
            if (options.demo()) {
                awaitMigration();
                seedDemo(props);
            }
            this.meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            this.connection = new ConnectionMonitor(degradedBelow);
            this.metrics = new SyncMetrics(meterRegistry);
            this.syncRoutes = new SyncRoutes(this::config, source, store, connection, metrics, redeliveryDelay, phoneRegion);
            if (options.schedules() && io.sfsync.cluster.ClusteredQuartz.supports(sourceUrl)
                    && Boolean.parseBoolean(props.get("sfsync.cluster.share-work", "true"))) {
                // large backlogs cut into units that every instance's workers claim (sync_work)
                syncRoutes.shareWork(new io.sfsync.sync.SharedWork.Settings(workers, java.time.Duration.ofSeconds(unitLease),
                        Math.max(50, workPoll)));
            }
            Path syncYaml = options.configDir().resolve("sync.yaml");
            this.reloader = options.schedules() ? new ConfigReloader(syncYaml, new SyncConfigLoader(env::get)::load,
                    this::config, this::jobRouteProblems, this::applyConfig) : null;
            this.main = createMain(propertiesFile);
        } catch (RuntimeException e) {
            // a configuration error (or a database that refuses us) must not leave the emulator or a pool running
            if (pool != null) {
                pool.close();
            }
            if (emu != null) {
                emu.stop();
            }
            throw e;
        }
    }

    /** The settings of application.properties sfsync itself reads, each problem with its key. */
    private static final class Settings {
        private final Path file;
        private final AppProperties props;
        private final List<String> problems = new java.util.ArrayList<>();

        Settings(Path file, AppProperties props) {
            this.file = file;
            this.props = props;
        }

        int integer(String key, int def) {
            String v = props.get(key, null);
            if (v == null || v.isBlank()) {
                return def;
            }
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                problems.add(key + ": must be a whole number, not '" + v + "'");
                return def;
            }
        }

        String phoneRegion(String key, String def) {
            String v = props.get(key, null);
            String region = v == null || v.isBlank() ? def : v.trim().toUpperCase(java.util.Locale.ROOT);
            if (!io.sfsync.mapping.Transforms.knownPhoneRegion(region)) {
                problems.add(key + ": '" + v + "' is not an ISO 3166 region code (US, GB, DE, FR, …)");
                return def;
            }
            return region;
        }

        String required(String key, String expected) {
            String v = props.get(key, null);
            if (v == null || v.isBlank()) {
                problems.add(key + ": is required (" + expected + ")");
            }
            return v;
        }

        void problem(String problem) {
            problems.add(problem);
        }

        void failIfAny() {
            if (!problems.isEmpty()) {
                throw new SyncConfigLoader.InvalidConfigException(file.toString(), problems);
            }
        }
    }

    public static SfsyncRuntime start(Options options) {
        SfsyncRuntime rt = new SfsyncRuntime(options);
        try {
            rt.main.init(); // Camel Main reads the routes while the sync tables migrate
            rt.awaitMigration(); // no route starts on tables that are not there yet
            rt.main.start();
            rt.checkJobRoutes(options);
            rt.syncRoutes.steps().startWorkers();
            if (rt.httpPort > 0 && rt.users.users().isEmpty()) {
                LOG.warn("No user can log in to the API, the console or Hawtio: every request will be answered 401."
                        + " Set SFSYNC_ADMIN_PASSWORD (and SFSYNC_OPERATOR_PASSWORD, SFSYNC_VIEWER_PASSWORD) and restart.");
            }
            var check = new io.sfsync.monitoring.SalesforceConnectionHealthCheck(rt.connection);
            check.setCamelContext(rt.camel());
            var registry = org.apache.camel.health.HealthCheckRegistry.get(rt.camel());
            if (!registry.register(check)) {
                LOG.warn("The salesforce-connection health check could not be registered");
            }
            if (Boolean.parseBoolean(rt.props.get("sfsync.hawtio.enabled", "true"))) {
                rt.hawtio = new io.sfsync.monitoring.HawtioServer(rt.users, rt.props.get("sfsync.hawtio.host", "127.0.0.1"),
                        rt.props.getInt("sfsync.hawtio.port", 8090));
                rt.camel().addService(rt.hawtio); // started now, stopped with Camel
                LOG.info("Hawtio at {} (log in as admin or operator)", rt.hawtio.url());
            }
            return rt;
        } catch (io.sfsync.config.SyncConfigLoader.InvalidConfigException e) {
            rt.close();
            throw e;
        } catch (Exception e) {
            rt.close();
            if (rt.migration.isCompletedExceptionally()) {
                rt.awaitMigration(); // the sync tables' own error, as a start without the overlap would raise it
            }
            throw new IllegalStateException("sfsync could not start: " + e.getMessage(), e);
        }
    }

    /** A job that names a route of its own (jobs.J.route) needs a route in routes/ that consumes from it. */
    private void checkJobRoutes(Options options) {
        List<String> problems = jobRouteProblems(config);
        if (!problems.isEmpty()) {
            throw new io.sfsync.config.SyncConfigLoader.InvalidConfigException(
                    options.configDir().resolve("sync.yaml").toString(), problems);
        }
    }

    /** sync.yaml reloaded: new runs use the new jobs; schedules of jobs added, removed or rescheduled are replaced. */
    private void applyConfig(SyncConfig before, SyncConfig after) {
        this.config = after;
        if (!options.schedules()) {
            return;
        }
        // on a thread of its own, one change after the other: stopping a schedule route waits for the run it may
        // have in progress (called by the reloader, one check at a time)
        if (rescheduler == null) {
            rescheduler = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "sfsync-reschedule");
                t.setDaemon(true);
                return t;
            });
        }
        rescheduler.execute(() -> reschedule(before, after));
    }

    /** Replaces schedule routes after a reload; created by the first reload that changes a job. */
    private java.util.concurrent.ExecutorService rescheduler;

    private void reschedule(SyncConfig before, SyncConfig after) {
        List<io.sfsync.config.JobConfig> schedule = new java.util.ArrayList<>();
        try {
            for (String name : before.jobs().keySet()) {
                io.sfsync.config.JobConfig now = after.jobs().get(name);
                if (now == null || !now.cron().equals(before.jobs().get(name).cron())) {
                    String id = JobScheduleRoutes.routeId(name);
                    camel().getRouteController().stopRoute(id);
                    camel().removeRoute(id);
                    if (now == null) {
                        unscheduleClustered(name);
                    }
                }
            }
            after.jobs().forEach((name, job) -> {
                io.sfsync.config.JobConfig was = before.jobs().get(name);
                if (was == null || !was.cron().equals(job.cron())) {
                    schedule.add(job);
                }
            });
            if (!schedule.isEmpty()) {
                camel().addRoutes(new JobScheduleRoutes(schedule));
            }
        } catch (Exception e) {
            LOG.error("The schedules of the reloaded sync.yaml could not be set up: {}", e.getMessage(), e);
        }
    }

    /**
     * camel-quartz leaves a trigger of the clustered store in place when its route stops (other instances may
     * still fire it): a job removed from sync.yaml has its trigger removed from the cluster here, or it would
     * go on firing with no route to run. (A changed schedule replaces the trigger when its new route starts.)
     */
    private void unscheduleClustered(String job) {
        try {
            org.apache.camel.component.quartz.QuartzComponent quartz = camel().getComponent("quartz",
                    org.apache.camel.component.quartz.QuartzComponent.class);
            org.quartz.Scheduler scheduler = quartz == null ? null : quartz.getScheduler();
            if (scheduler != null && scheduler.getMetaData().isJobStoreClustered()
                    && scheduler.unscheduleJob(org.quartz.TriggerKey.triggerKey(job, JobScheduleRoutes.GROUP))) {
                LOG.info("The schedule of job {} is removed from the cluster's Quartz store", job);
            }
        } catch (org.quartz.SchedulerException e) {
            LOG.warn("The trigger of removed job {} could not be unscheduled: {}", job, e.getMessage());
        }
    }

    @Override
    public String worker() {
        return syncRoutes.steps() == null ? null : syncRoutes.steps().worker();
    }

    @Override
    public boolean clustered() {
        return clustered;
    }

    @Override
    public List<io.sfsync.cluster.ClusteredQuartz.Instance> clusterInstances() {
        return clustered ? io.sfsync.cluster.ClusteredQuartz.instances(source) : List.of();
    }

    /** What the last look at sync.yaml found (a one-off command never reloads: NOT_WATCHED). */
    @Override
    public Map<String, Object> configStatus() {
        if (reloader == null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", options.configDir().resolve("sync.yaml").toString());
            m.put("state", "NOT_WATCHED");
            m.put("checkedAt", null);
            m.put("appliedAt", null);
            m.put("problems", List.of());
            m.put("changes", List.of());
            m.put("restartNeeded", List.of());
            return m;
        }
        return reloader.status().toMap();
    }

    /** serve and demo: looks at sync.yaml now (the timer does every few seconds); true when a new one applies. */
    public boolean reloadConfigIfChanged() {
        return reloader != null && reloader.check();
    }

    private List<String> jobRouteProblems(SyncConfig config) {
        List<String> problems = new java.util.ArrayList<>();
        for (io.sfsync.config.JobConfig job : config.jobs().values()) {
            String uri = job.route();
            if (uri == null) {
                continue;
            }
            String normalized = camel().getEndpoint(uri).getEndpointUri();
            boolean consumed = camel().getRoutes().stream()
                    .anyMatch(r -> r.getEndpoint().getEndpointUri().equals(normalized));
            if (!consumed) {
                problems.add("jobs." + job.name() + ".route: no route in " + options.routesDir() + " starts from " + uri
                        + " (a route with `from: uri: " + uri + "`)");
            }
        }
        return problems;
    }

    /**
     * The credentials the configured OAuth flow needs that are not set, each as one line naming its
     * environment variable: a login that cannot succeed is refused before anything starts, not retried.
     */
    static List<String> missingCredentials(io.sfsync.config.SalesforceSettings.AuthType auth, AppProperties props) {
        record Need(String property, String variable, String what) {
        }
        List<Need> needs = new java.util.ArrayList<>(List.of(new Need("client-id", "SFSYNC_SF_CLIENT_ID",
                "the connected app's consumer key")));
        switch (auth) {
            case CLIENT_CREDENTIALS -> needs.add(new Need("client-secret", "SFSYNC_SF_CLIENT_SECRET", "its consumer secret"));
            case PASSWORD -> {
                needs.add(new Need("client-secret", "SFSYNC_SF_CLIENT_SECRET", "its consumer secret"));
                needs.add(new Need("user-name", "SFSYNC_SF_USERNAME", "the integration user's username"));
                needs.add(new Need("password", "SFSYNC_SF_PASSWORD", "the user's password and security token"));
            }
            case REFRESH_TOKEN -> needs.add(new Need("refresh-token", "SFSYNC_SF_REFRESH_TOKEN", "the refresh token"));
            case JWT -> {
                needs.add(new Need("user-name", "SFSYNC_SF_USERNAME", "the integration user's username"));
                needs.add(new Need("keystore.resource", "SFSYNC_SF_JWT_KEYSTORE", "the keystore with the app's private key"
                        + " (uncomment the keystore lines in application.properties)"));
            }
        }
        String flow = auth.name().toLowerCase(java.util.Locale.ROOT);
        List<String> missing = new java.util.ArrayList<>();
        for (Need n : needs) {
            String dashed = props.get("camel.component.salesforce." + n.property(), null);
            String camel = props.get("camel.component.salesforce." + dashedToCamel(n.property()), null);
            if ((dashed == null || dashed.isBlank()) && (camel == null || camel.isBlank())) {
                missing.add(n.variable() + " is not set: salesforce.auth " + flow + " needs " + n.what()
                        + " (camel.component.salesforce." + n.property() + "); to try sfsync without an org, add --emulator");
            }
        }
        return missing;
    }

    private static String dashedToCamel(String property) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : property.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    /** Flyway on a thread of its own, or at once (the demo seeds the source right after). */
    private static java.util.concurrent.CompletableFuture<Void> startMigration(HikariDataSource pool, boolean now) {
        if (now) {
            Databases.migrateSyncTables(pool);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        var done = new java.util.concurrent.CompletableFuture<Void>();
        Thread t = new Thread(() -> {
            try {
                Databases.migrateSyncTables(pool);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "sfsync-migrate");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** Waits for the sync tables' migration; its failure is thrown as it was raised. */
    private void awaitMigration() {
        try {
            migration.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private void seedDemo(AppProperties props) {
        Databases.migrateDemoSource(source);
        List<DemoData.Person> people;
        if (DemoData.hasPeople(source)) {
            people = DemoData.read(source, 100);
        } else {
            int n = props.getInt("sfsync.demo.people", 200);
            people = DemoData.generate(source, n, 42);
            int touchpoints = DemoData.generateTouchpoints(source, people, 42);
            LOG.info("Demo source seeded with {} people and {} touchpoints", n, touchpoints);
        }
        if (emulator != null) {
            DemoOrg.seed(emulator, people);
        }
    }

    private Main createMain(Path propertiesFile) {
        Main m = new Main();
        m.setPropertyPlaceholderLocations("file:" + propertiesFile.toAbsolutePath());
        String routes = options.routesDir().toAbsolutePath().toString();
        m.addOverrideProperty("camel.main.routesIncludePattern", "file:" + routes + "/*.camel.yaml");
        m.addOverrideProperty("camel.main.routesReloadDirectory", routes);
        // the reusable steps (routes/kamelets/*.kamelet.yaml), used as `to: kamelet:NAME?…` in the flows
        m.addOverrideProperty("camel.component.kamelet.location", "file:" + routes + "/kamelets");
        m.addOverrideProperty("camel.component.salesforce.loginUrl", emulator != null ? emulator.loginUrl()
                : config.salesforce().resolvedLoginUrl());
        m.addOverrideProperty("camel.component.salesforce.authenticationType", emulator != null ? "CLIENT_CREDENTIALS"
                : config.salesforce().camelAuthenticationType());
        m.addOverrideProperty("camel.component.salesforce.apiVersion", config.salesforce().apiVersion());
        if (emulator != null) {
            m.addOverrideProperty("camel.component.salesforce.clientId", emulator.credentials().clientId());
            m.addOverrideProperty("camel.component.salesforce.clientSecret", emulator.credentials().clientSecret());
        }
        options.overrides().forEach((k, v) -> {
            if (!k.startsWith("sfsync.emulator.") && !k.startsWith("env.")) {
                m.addOverrideProperty(k, v);
            }
        });
        if (httpPort > 0) {
            m.addOverrideProperty("camel.server.port", String.valueOf(httpPort));
        }
        // one registry for Camel's route metrics and sfsync's own (camel.metrics.* uses a bound registry)
        m.bind("prometheusMeterRegistry", meterRegistry);
        m.configure().addRoutesBuilder(syncRoutes);
        // alerts go to the webhook through their own route, with redelivery (none without alerts.webhook)
        m.configure().addRoutesBuilder(io.sfsync.monitoring.AlertNotifier.route(config.alerts(), 3, 500));
        Access access = new Access(users, config.management().adminsOnly());
        // a one-off command (run, plan, retry, check) serves nothing: no API, no console, no HTTP server
        if (!"false".equals(options.overrides().get(API_ENABLED))) {
            String host = props.get("camel.server.host", "127.0.0.1");
            m.configure().addRoutesBuilder(new ApiRoutes(new SyncApi(this), access, meterRegistry,
                    (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + httpPort));
            m.configure().addRoutesBuilder(new ConsoleRoutes(access));
        }
        if (clustered) {
            // the schedules in Quartz's tables on the sync database: one firing per trigger across all instances
            awaitMigration();
            io.sfsync.cluster.ClusteredQuartz.migrate(source);
            m.bind("quartz", io.sfsync.cluster.ClusteredQuartz.component(source,
                    props.getInt("sfsync.cluster.checkin-ms", 7500), 5));
            LOG.info("Schedules clustered through Quartz's JDBC job store on the sync database (check-in every {} ms)",
                    props.getInt("sfsync.cluster.checkin-ms", 7500));
        }
        if (options.schedules()) {
            m.configure().addRoutesBuilder(new JobScheduleRoutes(config));
            long period = props.getInt("sfsync.config.reload-period-ms", 2000);
            m.configure().addRoutesBuilder(new org.apache.camel.builder.RouteBuilder() {
                @Override
                public void configure() {
                    // sync.yaml read again when it changes; a bad file keeps the running configuration
                    from("timer:sfsync-config-reload?delay=" + period + "&period=" + period).routeId("config-reload")
                            .process(e -> reloadConfigIfChanged());
                }
            });
        }
        return m;
    }

    /** Override: "false" leaves out the REST API and the console (one-off commands start no server). */
    public static final String API_ENABLED = "sfsync.api.enabled";

    /** Runs one job now and waits for it; the run's context carries its counts and outcomes. */
    public RunContext run(String job, RunContext.Mode mode, String trigger, String segment, List<String> keys,
            Consumer<String> progress) {
        return run(job, mode, trigger, segment, keys, progress, null);
    }

    /** As {@link #run}, creating unmatched rows as {@code createAs} (Lead or Contact) instead of the job's choice. */
    public RunContext run(String job, RunContext.Mode mode, String trigger, String segment, List<String> keys,
            Consumer<String> progress, String createAs) {
        return run(job, mode, trigger, segment, keys, progress, createAs, null);
    }

    /** A plan (nothing written anywhere) that hands each decided row to {@code sink} instead of keeping it. */
    public RunContext plan(String job, String trigger, String segment, Consumer<io.sfsync.sync.RecordWork> sink) {
        return run(job, RunContext.Mode.PLAN, trigger, segment, null, null, null, sink);
    }

    /**
     * A retry: the rows with these keys, and the job's touchpoints that wait and may go now (those put back
     * in line after an ERROR, those whose person is linked now); never new touchpoints.
     */
    @Override
    public RetryWork retryWork(String job, Long runId, String reason) {
        List<String> keys = store.latestErrors(job, runId, reason).stream().map(io.sfsync.synclog.SyncStore.LogEntry::sourceKey)
                .distinct().toList();
        int touchpoints = runId == null && config.job(job).syncsActivities() ? store.activities().retryErrors(job, reason) : 0;
        return new RetryWork(keys, touchpoints);
    }

    @Override
    public RunContext retry(String job, String trigger, List<String> keys, Consumer<String> progress) {
        return run(job, RunContext.Mode.RUN, trigger, null, keys, progress, null, null, true, null);
    }

    private RunContext run(String job, RunContext.Mode mode, String trigger, String segment, List<String> keys,
            Consumer<String> progress, String createAs, Consumer<io.sfsync.sync.RecordWork> planSink) {
        return run(job, mode, trigger, segment, keys, progress, createAs, planSink, false, null);
    }

    /**
     * A resync: the job's rows read again from the start of its source ({@code since} null) or those changed
     * at or after {@code since}, whatever its watermark says; rows whose payload is unchanged cost no call.
     */
    @Override
    public RunContext resync(String job, String trigger, java.time.Instant since, Consumer<String> progress) {
        return run(job, RunContext.Mode.RUN, trigger, null, null, progress, null, null, false,
                since == null ? "start" : since.toString());
    }

    private RunContext run(String job, RunContext.Mode mode, String trigger, String segment, List<String> keys,
            Consumer<String> progress, String createAs, Consumer<io.sfsync.sync.RecordWork> planSink,
            boolean waitingActivities, String resyncFrom) {
        ProducerTemplate template = camel().createProducerTemplate();
        try {
            Map<String, Object> headers = new LinkedHashMap<>();
            headers.put(io.sfsync.exchange.ExchangeKeys.JOB, job);
            headers.put(io.sfsync.exchange.ExchangeKeys.MODE, mode.name());
            headers.put(io.sfsync.exchange.ExchangeKeys.TRIGGER, trigger);
            if (segment != null) {
                headers.put(io.sfsync.exchange.ExchangeKeys.SEGMENT, segment);
            }
            if (keys != null) {
                headers.put(io.sfsync.exchange.ExchangeKeys.KEYS, keys);
            }
            if (createAs != null) {
                headers.put(io.sfsync.exchange.ExchangeKeys.CREATE_AS, createAs);
            }
            if (waitingActivities) {
                headers.put(io.sfsync.exchange.ExchangeKeys.WITH_WAITING_ACTIVITIES, true);
            }
            if (resyncFrom != null) {
                headers.put(io.sfsync.exchange.ExchangeKeys.RESYNC_FROM, resyncFrom);
            }
            org.apache.camel.Exchange done = template.request(SyncSteps.RUN_JOB, e -> {
                e.getMessage().setHeaders(headers);
                if (progress != null || planSink != null) {
                    e.setProperty(io.sfsync.exchange.ExchangeKeys.OBSERVER, new SyncSteps.RunObserver(progress, planSink));
                }
            });
            RunContext run = done.getMessage().getBody(RunContext.class);
            if (run == null) {
                // the run could not even start (its sync tables refused the run row or the lease): say why
                Throwable cause = done.getException() != null ? done.getException()
                        : done.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Throwable.class);
                throw new IllegalStateException("job " + job + " could not start"
                        + (cause == null ? "" : ": " + cause.getMessage()), cause);
            }
            return run;
        } finally {
            try {
                template.stop();
            } catch (Exception ignored) {
                // nothing to release
            }
        }
    }

    public CamelContext camel() { return main.getCamelContext(); }

    private org.apache.camel.component.salesforce.SalesforceComponent salesforceComponent() {
        return camel().getComponent("salesforce", org.apache.camel.component.salesforce.SalesforceComponent.class);
    }

    /**
     * Logs in to Salesforce again now (the connection's "Fix now"). When
     * {@code sfsync.salesforce.credentials-file} (SFSYNC_SF_CREDENTIALS_FILE) names a properties file
     * (client-id, client-secret, username, password, refresh-token), it is read again first, so rotated
     * secrets (a mounted Docker or Kubernetes secret) take effect without a restart.
     */
    public void relogin() {
        String file = props.get("sfsync.salesforce.credentials-file", "");
        if (!file.isBlank()) {
            rereadCredentials(Path.of(file));
        }
        var session = salesforceComponent().getSession();
        try {
            session.login(session.getAccessToken());
        } catch (org.apache.camel.component.salesforce.api.SalesforceException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void rereadCredentials(Path file) {
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the credentials file " + file + ": " + e.getMessage(), e);
        }
        var login = salesforceComponent().getLoginConfig();
        if (p.getProperty("client-id") != null) {
            login.setClientId(p.getProperty("client-id").trim());
        }
        if (p.getProperty("client-secret") != null) {
            login.setClientSecret(p.getProperty("client-secret").trim());
        }
        if (p.getProperty("username") != null) {
            login.setUserName(p.getProperty("username").trim());
        }
        if (p.getProperty("password") != null) {
            login.setPassword(p.getProperty("password").trim());
        }
        if (p.getProperty("refresh-token") != null) {
            login.setRefreshToken(p.getProperty("refresh-token").trim());
        }
        LOG.info("Salesforce credentials read again from {}", file);
    }

    public String loginUrl() {
        return salesforceComponent().getLoginUrl();
    }

    /** Where records open in the browser: the session's instance URL once logged in, else the login URL. */
    public String instanceUrl() {
        var session = salesforceComponent().getSession();
        String url = session == null ? null : session.getInstanceUrl();
        return url != null ? url : loginUrl();
    }
    public SyncConfig config() { return config; }
    public SyncStore store() { return store; }
    public HikariDataSource source() { return source; }
    public SalesforceEmulator emulator() { return emulator; }
    public Main main() { return main; }
    public io.sfsync.salesforce.SalesforceClient salesforce() { return syncRoutes.services().salesforce(); }
    public ConnectionMonitor connection() { return connection; }
    public SyncMetrics metrics() { return metrics; }
    public PrometheusMeterRegistry meterRegistry() { return meterRegistry; }
    public EnvUserDirectory users() { return users; }

    /** Hawtio's URL, or null when it is not enabled. */
    /** The port the API and console are served on (the real one when 0 was asked for); -1 when nothing is served. */
    public int httpPort() {
        return httpPort;
    }

    /** Where the API and console are served (http://host:port, the real port), or null when nothing is served. */
    public String httpUrl() {
        if (httpPort <= 0) {
            return null;
        }
        String host = props.get("camel.server.host", "127.0.0.1");
        return "http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + httpPort;
    }

    private static void portInUse(List<String> problems, String host, int port, String setting, String what) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            problems.add(setting + ": port " + port + " on " + host + " is in use by another process (" + what + ")");
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no free port for the API: " + e.getMessage(), e);
        }
    }

    public String hawtioUrl() {
        return hawtio == null ? null : hawtio.url();
    }


    @Override
    public void close() {
        if (rescheduler != null) {
            rescheduler.shutdownNow();
        }
        if (syncRoutes != null && syncRoutes.steps() != null) {
            syncRoutes.steps().stopWorkers();
        }
        try {
            if (main != null) {
                main.stop();
            }
        } catch (Exception e) {
            LOG.warn("Stopping Camel: {}", e.getMessage());
        }
        if (source != null) {
            source.close();
        }
        if (emulator != null) {
            emulator.stop();
        }
    }
}
