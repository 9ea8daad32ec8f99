package io.sfsync.emulator.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** JSON in and out, failing bad request bodies with Salesforce's JSON_PARSER_ERROR. */
public final class Json {
    private final ObjectMapper mapper = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    public ObjectMapper mapper() {
        return mapper;
    }

    public Map<String, Object> object(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("JSON_PARSER_ERROR", "The request body is either invalid or incomplete.");
        }
        try {
            return mapper.readValue(body, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("JSON_PARSER_ERROR", parserMessage(e));
        }
    }

    public List<Object> array(String body) {
        try {
            return mapper.readValue(body, new TypeReference<List<Object>>() { });
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("JSON_PARSER_ERROR", parserMessage(e));
        }
    }

    public Object any(String body) {
        try {
            return mapper.readValue(body, Object.class);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("JSON_PARSER_ERROR", parserMessage(e));
        }
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String parserMessage(JsonProcessingException e) {
        var loc = e.getLocation();
        return e.getOriginalMessage() + (loc == null ? "" : " at [line:" + loc.getLineNr() + ", column:"
                + loc.getColumnNr() + "]");
    }
}
