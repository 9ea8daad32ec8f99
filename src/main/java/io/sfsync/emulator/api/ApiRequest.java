package io.sfsync.emulator.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A REST request below /services/data/vXX.X, independent of the HTTP server so that Composite can
 * dispatch its subrequests through the same resources.
 *
 * @param path the part after the version, e.g. "sobjects/Lead/00Q..." (no leading slash)
 * @param query decoded query parameters
 * @param headers request headers, keys in lower case
 */
public record ApiRequest(String method, String apiVersion, String path, Map<String, List<String>> query,
        Map<String, String> headers, String body, Session session) {

    public String param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String[] segments() {
        return path.isEmpty() ? new String[0] : path.split("/");
    }
}
