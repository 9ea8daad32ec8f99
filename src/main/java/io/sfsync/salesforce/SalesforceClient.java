package io.sfsync.salesforce;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Salesforce as the sync steps use it: everything goes through Composite (up to 25 subrequests,
 * one API call) over the {@code direct:sfsync-salesforce} route, which owns redelivery. Counts the
 * API calls it makes.
 */
public final class SalesforceClient {
    public static final String ENDPOINT = "direct:sfsync-salesforce";
    /** Header: true when sending the request twice cannot create anything twice (redelivery allowed). */
    public static final String IDEMPOTENT = io.sfsync.exchange.ExchangeKeys.IDEMPOTENT;
    /** Exchange property: how many times the call was sent (more than once: redelivered after a failure). */
    public static final String SENDS = io.sfsync.exchange.ExchangeKeys.SENDS;
    /** Marks a compositeResponse entry whose request was sent more than once (an earlier answer was lost). */
    public static final String RESENT = "sfsyncResent";

    private final ProducerTemplate template;
    private final ObjectMapper mapper;
    private final String apiVersion;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile java.util.function.BiConsumer<Long, Long> limitListener = (used, max) -> { };

    public SalesforceClient(ProducerTemplate template, ObjectMapper mapper, String apiVersion) {
        this.template = template;
        this.mapper = mapper;
        this.apiVersion = apiVersion;
    }

    /** Told (used, max) from every response's Sforce-Limit-Info header. */
    public void onLimitInfo(java.util.function.BiConsumer<Long, Long> listener) {
        this.limitListener = listener;
    }

    public String path(String rest) {
        return "/services/data/v" + apiVersion + "/" + rest;
    }

    public int calls() {
        return calls.get();
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * The User Id sfsync is logged in as (the last part of the session's identity URL, …/id/{org}/{user}),
     * or null before the first login. Records it owns are sfsync's, not another user's.
     */
    public String integrationUserId() {
        try {
            var session = template.getCamelContext()
                    .getComponent("salesforce", org.apache.camel.component.salesforce.SalesforceComponent.class).getSession();
            String id = session == null ? null : session.getId();
            return id == null || id.lastIndexOf('/') < 0 ? null : id.substring(id.lastIndexOf('/') + 1);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** An sObject Collections body: these records of one type, each saved on its own (allOrNone false). */
    public ObjectNode collection(String type, java.util.Collection<? extends Map<String, ?>> records) {
        ObjectNode body = mapper.createObjectNode();
        body.put("allOrNone", false);
        com.fasterxml.jackson.databind.node.ArrayNode array = body.putArray("records");
        for (Map<String, ?> fields : records) {
            ObjectNode r = array.addObject();
            r.putObject("attributes").put("type", type);
            fields.forEach((k, v) -> r.set(k, mapper.valueToTree(v)));
        }
        return body;
    }

    public ObjectNode subrequest(String method, String rest, String referenceId, JsonNode body) {
        ObjectNode s = mapper.createObjectNode();
        s.put("method", method);
        s.put("url", path(rest));
        s.put("referenceId", referenceId);
        if (body != null) {
            s.set("body", body);
        }
        return s;
    }

    /**
     * Sends one Composite request and returns its compositeResponse entries in request order.
     *
     * @param headers Sforce-* headers for every subrequest (Sforce-Auto-Assign, Sforce-Duplicate-Rule-Header)
     * @param idempotent whether a redelivery after a lost response is harmless
     */
    public List<JsonNode> composite(List<ObjectNode> subrequests, Map<String, String> headers, boolean idempotent) {
        if (subrequests.size() > 25) {
            throw new IllegalArgumentException("a Composite request takes at most 25 subrequests");
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("allOrNone", false);
        ArrayNode list = body.putArray("compositeRequest");
        subrequests.forEach(list::add);
        String json;
        try {
            json = mapper.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        calls.incrementAndGet();
        Exchange out = template.request(ENDPOINT, ex -> {
            ex.getMessage().setBody(json);
            ex.getMessage().setHeader(io.sfsync.exchange.ExchangeKeys.SF_OPERATION, "composite");
            ex.getMessage().setHeader(IDEMPOTENT, idempotent);
            headers.forEach((k, v) -> ex.getMessage().setHeader(k, v));
        });
        String limitInfo = out.getMessage().getHeader("Sforce-Limit-Info", String.class);
        if (limitInfo != null) {
            // "api-usage=18/15000": Salesforce's own count after this call
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("api-usage=(\\d+)/(\\d+)").matcher(limitInfo);
            if (m.find()) {
                limitListener.accept(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
            }
        }
        if (out.getException() != null) {
            throw new SalesforceCallException(out.getException());
        }
        try {
            Object result = out.getMessage().getBody();
            JsonNode tree = result instanceof InputStream in ? mapper.readTree(in) : mapper.readTree(String.valueOf(result));
            List<JsonNode> responses = new java.util.ArrayList<>();
            tree.path("compositeResponse").forEach(responses::add);
            Integer sends = out.getProperty(SENDS, Integer.class);
            if (sends != null && sends > 1) {
                responses.forEach(r -> ((ObjectNode) r).put(RESENT, true));
            }
            if (responses.size() != subrequests.size()) {
                throw new IllegalStateException("Salesforce answered " + responses.size() + " of " + subrequests.size()
                        + " Composite subrequests: " + abbreviate(tree.toString()));
            }
            return responses;
        } catch (IOException e) {
            throw new SalesforceCallException(e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }

    /**
     * Any other camel-salesforce operation (the Bulk API 2.0 ones) through the same route and redelivery
     * policy; returns the response body (a DTO, or text for CSV results).
     */
    public Object call(String operation, Object body, Map<String, Object> headers, boolean idempotent) {
        return callForAnswer(operation, body, headers, idempotent).body();
    }

    /** A call's answer: the body and the response headers (Sforce-Locator, …). */
    public record Answer(Object body, Map<String, Object> headers) {
        public String header(String name) {
            Object v = headers.get(name);
            return v == null ? null : v.toString();
        }
    }

    /** As {@link #call}, with the answer's headers too (a Bulk API 2.0 result set's Sforce-Locator). */
    public Answer callForAnswer(String operation, Object body, Map<String, Object> headers, boolean idempotent) {
        calls.incrementAndGet();
        Exchange out = template.request(ENDPOINT, ex -> {
            ex.getMessage().setBody(body);
            ex.getMessage().setHeader(io.sfsync.exchange.ExchangeKeys.SF_OPERATION, operation);
            ex.getMessage().setHeader(IDEMPOTENT, idempotent);
            headers.forEach((k, v) -> ex.getMessage().setHeader(k, v));
        });
        if (out.getException() != null) {
            throw new SalesforceCallException(out.getException());
        }
        return new Answer(out.getMessage().getBody(), new java.util.HashMap<>(out.getMessage().getHeaders()));
    }

    /** A Salesforce call failed for good (after any redelivery); {@link FailurePolicy} decides what follows. */
    public static final class SalesforceCallException extends RuntimeException {
        public SalesforceCallException(Throwable cause) {
            super(ErrorClassifier.describe(cause), cause);
        }

        /** What the failure means for the call's rows and the run. */
        public FailurePolicy.Decision decision() {
            return FailurePolicy.forCall(getCause());
        }

        public ErrorClassifier.Kind kind() {
            return ErrorClassifier.classify(getCause());
        }
    }
}
