package io.sfsync.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The sync console at {@code /console/}: three static files from the classpath folder {@code console/},
 * behind the same HTTP Basic login as the API (the viewer role). Camel Main's own static server
 * ({@code camel.server.static-enabled}) answers {@code /console/} with a top-level {@code index.html}
 * and looks in the working directory first, so the console has this route instead.
 */
public final class ConsoleRoutes extends RouteBuilder {
    static final String PATH = "/console";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");
    /** The page loads only its own files (and an empty data: favicon), talks only to its origin, can't be framed. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Access access;
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    public ConsoleRoutes(Access access) {
        this.access = access;
        for (String name : TYPES.keySet()) {
            try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream("console/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("console/" + name + " is missing from the classpath");
                }
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void configure() {
        from("platform-http:" + PATH + "?matchOnUriPrefix=true&httpMethodRestrict=GET").routeId("console")
                .process(this::redirectToSlash)
                .process(access.viewer())
                .process(this::serve);
    }

    /** /console → /console/, so that the page's relative links (console.js, ../api/…) resolve. */
    private void redirectToSlash(Exchange e) {
        if (PATH.equals(e.getMessage().getHeader(Exchange.HTTP_PATH, String.class))) {
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 301);
            e.getMessage().setHeader("Location", "console/");
            e.getMessage().setBody(null);
            e.setRouteStop(true);
        }
    }

    private void serve(Exchange e) {
        String path = e.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        String name = path == null || !path.startsWith(PATH + "/") ? null : path.substring(PATH.length() + 1);
        if (name != null && name.isEmpty()) {
            name = "index.html";
        }
        byte[] body = name == null ? null : files.get(name);
        var m = e.getMessage();
        m.removeHeaders("*");
        m.setHeader("X-Content-Type-Options", "nosniff");
        m.setHeader("Cache-Control", "no-cache");
        if (body == null) {
            m.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            m.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
            m.setBody("not found: the console is " + PATH + "/");
            return;
        }
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, TYPES.get(name));
        m.setHeader("Content-Security-Policy", CSP);
        m.setHeader("Referrer-Policy", "no-referrer");
        m.setBody(body);
    }
}
