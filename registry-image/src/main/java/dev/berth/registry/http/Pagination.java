package dev.berth.registry.http;

import dev.berth.registry.content.Page;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The {@code n} and {@code last} query parameters of listings, and the {@code Link} header to the next page. */
public record Pagination(int limit, Optional<String> last) {

    private static final int MAX_LIMIT = 100_000;

    public static Pagination of(Exchange exchange) {
        Optional<String> n = exchange.query("n");
        int limit = -1;
        if (n.isPresent()) {
            try {
                limit = Integer.parseInt(n.get());
            } catch (NumberFormatException e) {
                limit = -1;
                throw invalid(n.get());
            }
            if (limit < 0 || limit > MAX_LIMIT) {
                throw invalid(n.get());
            }
        }
        return new Pagination(limit, exchange.query("last").filter(s -> !s.isEmpty()));
    }

    /** Adds {@code Link: <path?n=…&last=…>; rel="next"} when the page is not the last one. */
    public void addLink(Exchange exchange, String path, Page<String> page) {
        if (!page.hasMore() || page.items().isEmpty()) {
            return;
        }
        String last = page.items().get(page.items().size() - 1);
        exchange.header("Link", "<" + path + "?n=" + limit + "&last=" + URLEncoder.encode(last, StandardCharsets.UTF_8)
                + ">; rel=\"next\"");
    }

    private static RegistryException invalid(String n) {
        return new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID,
                "n must be an integer from 0 to " + MAX_LIMIT + ", got '" + n + "'");
    }
}
