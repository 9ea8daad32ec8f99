package io.sfsync.monitoring;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.io.IOException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import javax.security.auth.login.Configuration;

import org.apache.camel.Service;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sfsync.api.UserDirectory;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * The Hawtio web console at {@code http://HOST:PORT/hawtio}, served by an embedded Jetty 12 (ee10)
 * from the Hawtio WAR, inside the sfsync JVM. Hawtio's own Jolokia ({@code /hawtio/jolokia}) reads
 * the platform MBean server, where camel-management registers the routes.
 *
 * <p>Login is always required. Hawtio authenticates through JAAS realm {@value #REALM}, which this
 * class registers programmatically with {@link SfsyncLoginModule} over the given
 * {@link UserDirectory}. Only users with one of {@link #ALLOWED_ROLES} get in: outside Karaf and
 * Artemis, Hawtio has no read-only mode (Jolokia lets any admitted user invoke any MBean operation),
 * so "viewer" is deliberately not admitted.
 *
 * <p>Hawtio reads its settings from JVM-wide {@code hawtio.*} system properties and JAAS from the
 * JVM-wide {@link Configuration}: both are set on {@link #start()} and restored on {@link #stop()},
 * so run one HawtioServer per JVM at a time.
 *
 * <p>The WAR is {@code lib/hawtio.war} beside the sfsync jar (or beside {@code target/classes} when
 * run from the build), put there by the build; {@value #WAR_PROPERTY} or the constructor can name
 * another file.
 *
 * <p>Implements Camel's {@link Service}, so {@code camelContext.addService(hawtio)} starts and stops
 * it with Camel.
 */
public final class HawtioServer implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(HawtioServer.class);

    public static final String REALM = "sfsync";
    public static final String CONTEXT_PATH = "/hawtio";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8090;
    /** Roles admitted to Hawtio (any one of them suffices). */
    public static final List<String> ALLOWED_ROLES = List.of("admin", "operator");
    /** System property naming the Hawtio WAR file, overriding the default location. */
    public static final String WAR_PROPERTY = "sfsync.hawtio.war";

    private final UserDirectory users;
    private final String host;
    private final int requestedPort;
    private final Path war;

    private Server server;
    private ServerConnector connector;
    private Map<String, String> previousProperties;
    private Configuration previousJaas;
    private Configuration installedJaas;

    /** On {@value #DEFAULT_HOST}:{@value #DEFAULT_PORT}. */
    public HawtioServer(UserDirectory users) {
        this(users, DEFAULT_HOST, DEFAULT_PORT);
    }

    /** @param port 0 for a free port (see {@link #port()}) */
    public HawtioServer(UserDirectory users, String host, int port) {
        this(users, host, port, null);
    }

    /** @param war the Hawtio WAR, or null for the default location */
    public HawtioServer(UserDirectory users, String host, int port, Path war) {
        this.users = Objects.requireNonNull(users, "users");
        this.host = host == null || host.isBlank() ? DEFAULT_HOST : host;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port out of range: " + port);
        }
        this.requestedPort = port;
        this.war = war;
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        Path warFile = war != null ? war : locateWar();
        if (!Files.isRegularFile(warFile)) {
            throw new IllegalStateException("Hawtio WAR not found at " + warFile.toAbsolutePath()
                    + " (built by `mvn package` into target/lib/hawtio.war; or set -D" + WAR_PROPERTY + "=FILE)");
        }
        installJaas();
        setHawtioProperties();

        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("hawtio");
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        ServerConnector http = new ServerConnector(jetty, 1, 1);
        http.setHost(host);
        http.setPort(requestedPort);
        jetty.addConnector(http);

        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath(CONTEXT_PATH);
        webapp.setWar(warFile.toAbsolutePath().toString());
        // parent first: JAAS loads SfsyncLoginModule through the WAR class loader, and Hawtio logs through sfsync's slf4j/logback
        webapp.setParentLoaderPriority(true);
        webapp.setThrowUnavailableOnStartupException(true);
        webapp.addFilter(new FilterHolder(new LogoutFix()), "/auth/logout", EnumSet.of(DispatcherType.REQUEST));
        // Hawtio's Jolokia answers any Origin with Access-Control-Allow-Credentials: true, so the session
        // cookie must not ride on requests from other sites (nor on cross-site links to /jolokia/exec/...)
        webapp.getSessionHandler().setSameSite(HttpCookie.SameSite.STRICT);
        jetty.setHandler(webapp);
        try {
            jetty.start();
        } catch (Exception e) {
            try {
                jetty.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            restoreHawtioProperties();
            uninstallJaas();
            throw new IllegalStateException("Hawtio did not start on " + host + ":" + requestedPort + ": " + e.getMessage(), e);
        }
        server = jetty;
        connector = http;
        LOG.info("Hawtio at http://{}:{}{}/ (login required; roles {})", host, http.getLocalPort(), CONTEXT_PATH,
                String.join(", ", ALLOWED_ROLES));
    }

    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Stopping Hawtio: {}", e.toString());
        } finally {
            server = null;
            connector = null;
            restoreHawtioProperties();
            uninstallJaas();
        }
    }

    /** The port it listens on (the actual one when 0 was asked for); -1 when not started. */
    public synchronized int port() {
        return connector == null ? -1 : connector.getLocalPort();
    }

    public String host() {
        return host;
    }

    /** {@code http://host:port/hawtio/} once started. */
    public synchronized String url() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + CONTEXT_PATH + "/";
    }

    /** {@code -Dsfsync.hawtio.war}, else {@code lib/hawtio.war} beside the jar or classes directory. */
    static Path locateWar() {
        String configured = System.getProperty(WAR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try {
            CodeSource source = HawtioServer.class.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                // target/sfsync.jar -> target/lib/hawtio.war; target/classes/ -> target/lib/hawtio.war
                Path code = Path.of(source.getLocation().toURI());
                Path dir = code.getParent();
                if (dir != null) {
                    return dir.resolve("lib").resolve("hawtio.war");
                }
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            LOG.debug("Cannot tell where sfsync's classes are: {}", e.toString());
        }
        return Path.of("lib", "hawtio.war");
    }

    // --- Hawtio settings (JVM-wide system properties read by the WAR when it starts) ---------------

    private void setHawtioProperties() {
        Map<String, String> wanted = new LinkedHashMap<>();
        // "hawtio.auth" overrides "hawtio.authenticationEnabled" inside Hawtio: pin both
        wanted.put("hawtio.authenticationEnabled", "true");
        wanted.put("hawtio.auth", "true");
        wanted.put("hawtio.realm", REALM);
        wanted.put("hawtio.roles", String.join(",", ALLOWED_ROLES));
        wanted.put("hawtio.rolePrincipalClasses", SfsyncLoginModule.RolePrincipal.class.getName());
        // our JAAS realm is the only way in
        wanted.put("hawtio.keycloakEnabled", "false");
        // the console only shows this JVM: no proxying to other Jolokia agents
        wanted.put("hawtio.disableProxy", "true");
        previousProperties = new LinkedHashMap<>();
        wanted.forEach((key, value) -> previousProperties.put(key, System.setProperty(key, value)));
    }

    private void restoreHawtioProperties() {
        if (previousProperties == null) {
            return;
        }
        previousProperties.forEach((key, old) -> {
            if (old == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, old);
            }
        });
        previousProperties = null;
    }

    // --- JAAS ----------------------------------------------------------------------------------------

    private void installJaas() {
        Configuration previous;
        try {
            previous = Configuration.getConfiguration();
        } catch (SecurityException e) {
            previous = null; // no usable default configuration (e.g. an unreadable login config file)
        }
        previousJaas = previous;
        installedJaas = new RealmConfiguration(REALM, users, previous);
        Configuration.setConfiguration(installedJaas);
    }

    private void uninstallJaas() {
        if (installedJaas == null) {
            return;
        }
        // put the old one back only if nobody replaced ours meanwhile
        try {
            if (Configuration.getConfiguration() == installedJaas) {
                Configuration.setConfiguration(previousJaas);
            }
        } catch (SecurityException e) {
            LOG.debug("Restoring the JAAS configuration: {}", e.toString());
        }
        installedJaas = null;
        previousJaas = null;
    }

    /**
     * Hawtio 4.2.0's LogoutServlet calls {@code request.logout()} unconditionally; Jetty 12 throws
     * "logout failed" when the container did not authenticate the request (Hawtio's own JAAS login
     * lives in the HTTP session), so signing out answered 500 and left the session alive. Hawtio 4.4
     * fixed it by calling logout() only when there is a container principal; this does the same.
     */
    private static final class LogoutFix implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            if (request instanceof HttpServletRequest http && http.getUserPrincipal() == null) {
                request = new HttpServletRequestWrapper(http) {
                    @Override
                    public void logout() {
                        // no container login to end; Hawtio then clears its own session
                    }
                };
            }
            chain.doFilter(request, response);
        }
    }

    /** Answers for one realm with {@link SfsyncLoginModule}; every other name goes to the previous configuration. */
    private static final class RealmConfiguration extends Configuration {
        private final String realm;
        private final AppConfigurationEntry entry;
        private final Configuration delegate;

        RealmConfiguration(String realm, UserDirectory users, Configuration delegate) {
            this.realm = realm;
            // options carry the directory object itself: JAAS passes this map to the module's initialize()
            this.entry = new AppConfigurationEntry(SfsyncLoginModule.class.getName(),
                    LoginModuleControlFlag.REQUIRED, Map.of(SfsyncLoginModule.DIRECTORY_OPTION, users));
            this.delegate = delegate;
        }

        @Override
        public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            if (realm.equals(name)) {
                return new AppConfigurationEntry[] {entry};
            }
            return delegate == null ? null : delegate.getAppConfigurationEntry(name);
        }

        @Override
        public void refresh() {
            if (delegate != null) {
                delegate.refresh();
            }
        }
    }
}
