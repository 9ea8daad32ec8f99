package io.sfsync.routes;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.RestError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.sfsync.salesforce.FailurePolicy;

/**
 * With rawPayload, camel-salesforce hands back Salesforce's error array for a failed Composite call
 * instead of throwing. This turns such a body into the SalesforceException that
 * {@link FailurePolicy} decides on: the redelivery, the writers and the dead-letter channel.
 */
final class SalesforceResponses {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SalesforceResponses() {
    }

    static void failOnErrorBody(Exchange e) throws Exception {
        Object body = e.getMessage().getBody();
        if (body != null && !(body instanceof InputStream) && !(body instanceof String)) {
            return; // a DTO (Bulk API 2.0 job): camel-salesforce already checked the status
        }
        String text = body instanceof InputStream in ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
                : body == null ? "" : body.toString();
        e.getMessage().setBody(text);
        String trimmed = text.stripLeading();
        if (!trimmed.startsWith("[")) {
            return;
        }
        JsonNode errors = MAPPER.readTree(trimmed);
        List<RestError> list = new ArrayList<>();
        for (JsonNode err : errors) {
            List<String> fields = new ArrayList<>();
            err.path("fields").forEach(f -> fields.add(f.asText()));
            list.add(new RestError(err.path("errorCode").asText(), err.path("message").asText(), fields));
        }
        // the failure policy decides by the code; the status is the one that code is classified with
        throw new SalesforceException(list, FailurePolicy.errorBodyStatus(list.isEmpty() ? null : list.get(0).getErrorCode()));
    }
}
