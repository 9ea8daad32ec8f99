package io.sfsync.mapping;

import java.util.Map;

/**
 * Custom code for a field: {@code transform: [bean:com.example.MyTransform]}. The class needs a public
 * no-argument constructor; one instance serves a whole run, called from several threads at once
 * (rows are mapped in parallel), so it must be thread-safe.
 */
public interface FieldTransform {
    /**
     * @param value the value so far (after earlier transforms), may be null
     * @param row the source row's columns, lower-case names
     */
    Object apply(Object value, Map<String, Object> row);
}
