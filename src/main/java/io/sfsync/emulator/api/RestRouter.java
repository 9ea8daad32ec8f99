package io.sfsync.emulator.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

import io.sfsync.emulator.EmulatedOrg;
import io.sfsync.emulator.control.ApiLimits;
import io.sfsync.emulator.rules.RecordSaver;

/**
 * Routes a REST request below /services/data/vXX.X to its resource. Authentication, call counting,
 * latency and faults happen before, in the HTTP gateway; Composite re-enters here for each
 * subrequest.
 */
public final class RestRouter {
    private final EmulatedOrg org;
    private final ApiLimits limits;
    private final SObjectResource sobjects;
    private final QueryResource query;
    private final SearchResource search;
    private final CollectionsResource collections;
    private final CompositeResource composite;
    private final Bulk2Resource bulk2;
    private final Bulk1Resource bulk1;
    private final java.util.function.UnaryOperator<String> identityUrl;

    /**
     * @param identityUrl the identity URL of a user (by Id), which the version resource lists for the caller
     */
    public RestRouter(EmulatedOrg org, ApiLimits limits, Json json, ExecutorService bulkWorker,
            java.util.function.UnaryOperator<String> identityUrl) {
        this.org = org;
        this.identityUrl = identityUrl;
        this.limits = limits;
        RecordSaver saver = new RecordSaver(org);
        this.query = new QueryResource(org);
        this.sobjects = new SObjectResource(org, saver, json, query);
        this.search = new SearchResource(org, query);
        this.collections = new CollectionsResource(org, saver, json);
        this.composite = new CompositeResource(org, json, this::dispatch);
        this.bulk2 = new Bulk2Resource(org, saver, json, bulkWorker);
        this.bulk1 = new Bulk1Resource(org, saver, bulkWorker);
    }

    /** Forgets Bulk jobs (the control plane's reset). */
    public void reset() {
        bulk2.clear();
        bulk1.clear();
    }

    /** How many API calls this request counts for: one, or one per subrequest of a Composite Batch. */
    public int callsCounted(String method, String path, String body) {
        if (method.equals("POST") && path.equals("composite/batch")) {
            try {
                return Math.max(1, composite.batchSize(body));
            } catch (ApiException e) {
                return 1;
            }
        }
        return 1;
    }

    public ApiResponse dispatch(ApiRequest req, RecordSaver.Options options) {
        String[] s = req.segments();
        if (s.length == 0) {
            SObjectResource.requireMethod(req.method(), "GET");
            Map<String, Object> r = resources(req.apiVersion());
            r.put("identity", identityUrl.apply(req.session().userId()));
            return ApiResponse.json(200, r);
        }
        return switch (s[0]) {
            case "sobjects" -> sobjects.handle(req, options);
            case "query", "queryAll" -> query.handle(req);
            case "search" -> search.handle(req);
            case "recent" -> {
                SObjectResource.requireMethod(req.method(), "GET");
                String limit = req.param("limit");
                int n;
                try {
                    n = limit == null ? 200 : Math.max(1, Math.min(200, Integer.parseInt(limit.trim())));
                } catch (NumberFormatException e) {
                    throw ApiException.badRequest("INVALID_QUERY_PARAMETER_VALUE", "limit: not a number: " + limit);
                }
                yield ApiResponse.json(200, query.recent(null, n, req.apiVersion()));
            }
            case "composite" -> {
                if (s.length == 1) {
                    yield composite.composite(req, options);
                }
                yield switch (s[1]) {
                    case "sobjects" -> collections.handle(req, options);
                    case "batch" -> composite.batch(req, options);
                    default -> throw ApiException.notFound();
                };
            }
            case "jobs" -> bulk2.handle(req, options);
            case "limits" -> {
                SObjectResource.requireMethod(req.method(), "GET");
                yield ApiResponse.json(200, limits.resource());
            }
            default -> throw ApiException.notFound();
        };
    }

    private static Map<String, Object> resources(String v) {
        Map<String, Object> r = new LinkedHashMap<>();
        String base = "/services/data/v" + v;
        for (String name : List.of("sobjects", "query", "queryAll", "search", "recent", "composite", "limits", "jobs/ingest")) {
            r.put(name.equals("jobs/ingest") ? "jobs" : name, base + "/" + name);
        }
        return r;
    }

    /** Bulk API 1.0, under /services/async/XX.X/ (a path of its own, with its own XML answers). */
    public Bulk1Resource bulk1() {
        return bulk1;
    }

    public EmulatedOrg org() {
        return org;
    }
}
