package io.sfsync.emulator.soql;

import java.util.List;
import java.util.Map;

/**
 * The full, unpaged answer to a query. For {@code SELECT COUNT()} totalSize is the count and
 * records is empty, as in Salesforce's response.
 */
public record SoqlResult(int totalSize, List<Map<String, Object>> records) {
    public SoqlResult {
        records = List.copyOf(records);
    }
}
