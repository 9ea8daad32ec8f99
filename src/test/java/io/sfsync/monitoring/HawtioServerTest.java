package io.sfsync.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.management.ObjectName;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.sfsync.api.UserDirectory;

/** Hawtio in the sfsync JVM: login required, and once in, the Camel routes through Hawtio's Jolokia. */
class HawtioServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEARCH_ROUTES = "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}";

    /** alice is an admin; bob only a viewer, which Hawtio does not admit. */
    private static final UserDirectory USERS = (username, password) -> {
        Map<String, String> passwords = Map.of("alice", "secret", "bob", "bobpw");
        Map<String, Set<String>> roles = Map.of("alice", Set.of("admin"), "bob", Set.of("viewer"));
        String expected = passwords.get(username);
        return expected != null && Arrays.equals(expected.toCharArray(), password)
                ? Optional.of(roles.get(username)) : Optional.empty();
    };

    private static CamelContext camel;
    private static HawtioServer hawtio;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setName("hawtio-test");
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:t?period=100000").routeId("hello-route").log("x");
            }
        });
        camel.start();
        hawtio = new HawtioServer(USERS, "127.0.0.1", 0);
        hawtio.start();
        assertThat(hawtio.port()).isPositive();
        base = "http://127.0.0.1:" + hawtio.port() + "/hawtio";
    }

    @AfterAll
    static void stop() {
        if (hawtio != null) {
            hawtio.stop();
        }
        if (camel != null) {
            camel.stop();
        }
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient client, String path, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String login(String user, String password) throws Exception {
        return JSON.writeValueAsString(Map.of("username", user, "password", password));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void consoleRedirectsToItsLoginPageUntilSignedIn() throws Exception {
        HttpClient client = client();
        HttpResponse<String> root = get(client, "/");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location")).hasValueSatisfying(
                l -> assertThat(l).endsWith("/hawtio/login"));

        HttpResponse<String> loginPage = get(client, "/login");
        assertThat(loginPage.statusCode()).isEqualTo(200);
        assertThat(loginPage.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/html"));
        assertThat(loginPage.body()).containsIgnoringCase("<html").contains("<base href=\"/hawtio/\"");
    }

    @Test
    void jolokiaWithoutCredentialsIsForbidden() throws Exception {
        HttpClient client = client();
        HttpResponse<String> post = post(client, "/jolokia/", SEARCH_ROUTES);
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(post.headers().firstValue("Hawtio-Forbidden-Reason")).hasValue("NONE");
        assertThat(post.body()).isEmpty();
        assertThat(get(client, "/jolokia/version").statusCode()).isEqualTo(403);
    }

    @Test
    void signedInAdminSeesTheCamelRoutes() throws Exception {
        HttpClient client = client();
        HttpResponse<String> in = post(client, "/auth/login", login("alice", "secret"));
        assertThat(in.statusCode()).isEqualTo(200);
        JsonNode principals = JSON.readTree(in.body()).get("principals");
        assertThat(principals.findValuesAsText("name")).contains("alice", "admin");
        assertThat(in.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
                .startsWith("JSESSIONID=").contains("HttpOnly").containsIgnoringCase("SameSite=Strict"));

        // the session cookie is enough from now on
        HttpResponse<String> search = post(client, "/jolokia/", SEARCH_ROUTES);
        assertThat(search.statusCode()).isEqualTo(200);
        JsonNode found = JSON.readTree(search.body());
        assertThat(found.get("status").asInt()).isEqualTo(200);
        List<String> names = JSON.convertValue(found.get("value"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(names).extracting(n -> new ObjectName(n).getKeyProperty("name")).contains("\"hello-route\"");

        HttpResponse<String> read = post(client, "/jolokia/",
                "{\"type\":\"read\",\"mbean\":\"org.apache.camel:context=hawtio-test,type=routes,name=\\\"hello-route\\\"\","
                        + "\"attribute\":[\"RouteId\",\"State\"]}");
        JsonNode value = JSON.readTree(read.body()).get("value");
        assertThat(value.get("RouteId").asText()).isEqualTo("hello-route");
        assertThat(value.get("State").asText()).isEqualTo("Started");

        assertThat(get(client, "/").statusCode()).isEqualTo(200);

        // signing out ends the session
        HttpResponse<String> out = get(client, "/auth/logout");
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/hawtio/login"));
        assertThat(post(client, "/jolokia/", SEARCH_ROUTES).statusCode()).isEqualTo(403);
    }

    @Test
    void basicAuthWorksForScripts() throws Exception {
        HttpResponse<String> search = post(client(), "/jolokia/", SEARCH_ROUTES, "Authorization", basic("alice", "secret"));
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(search.body()).contains("hello-route");
    }

    /** Hawtio throttles a user name after 3 failures (429 + Retry-After): keep alice below that here. */
    @Test
    void wrongPasswordIsRefused() throws Exception {
        HttpClient client = client();
        HttpResponse<String> in = post(client, "/auth/login", login("alice", "wrong"));
        assertThat(in.statusCode()).isEqualTo(403);
        assertThat(in.body()).doesNotContain("wrong");
        assertThat(post(client, "/jolokia/", SEARCH_ROUTES).statusCode()).isEqualTo(403);

        assertThat(post(client(), "/jolokia/", SEARCH_ROUTES, "Authorization", basic("alice", "wrong")).statusCode())
                .isEqualTo(403);
        assertThat(post(client(), "/auth/login", login("nobody", "secret")).statusCode()).isEqualTo(403);
    }

    @Test
    void aViewerIsNotAdmitted() throws Exception {
        // Hawtio's Jolokia has no read-only mode here, so only admin and operator get in
        assertThat(post(client(), "/auth/login", login("bob", "bobpw")).statusCode()).isEqualTo(403);
    }
}
