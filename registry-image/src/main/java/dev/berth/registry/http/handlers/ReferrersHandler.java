package dev.berth.registry.http.handlers;

import dev.berth.registry.auth.Action;
import dev.berth.registry.content.Referrers;
import dev.berth.registry.content.RepositoryManifests;
import dev.berth.registry.http.Digests;
import dev.berth.registry.http.Exchange;
import dev.berth.registry.http.RouteHandler;
import dev.berth.registry.http.limits.Admission;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v2/<name>/referrers/<digest>}: an image index of the manifests whose subject is
 * the digest, in pages of at most {@code limits.referrerssize} bytes of descriptors (the spec's
 * {@code Link: <…>; rel="next"} leads to the next page).
 */
public final class ReferrersHandler implements RouteHandler {

    private static final byte[] HEAD = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX
            + "\",\"manifests\":[").getBytes(StandardCharsets.UTF_8);
    private static final byte[] COMMA = {','};
    private static final byte[] TAIL = {']', '}'};

    private final RepositoryManifests manifests;
    private final int pageBytes;
    private final Admission listings;

    /**
     * @param pageBytes the most bytes of descriptors in one answer (one descriptor always fits)
     * @param listings places for listings in progress: each holds up to a page plus one descriptor
     */
    public ReferrersHandler(RepositoryManifests manifests, int pageBytes, Admission listings) {
        this.manifests = manifests;
        this.pageBytes = pageBytes;
        this.listings = listings;
    }

    @Override
    public void handle(Exchange exchange, String name, String parameter) throws IOException {
        if (!exchange.method().equals("GET")) {
            throw RouteHandler.unsupported(exchange, "GET");
        }
        exchange.access().require(name, Action.PULL);
        Digest subject = Digests.require(parameter);
        // No NAME_UNKNOWN for a repository that does not exist: the spec forbids a 404 from a
        // registry that supports the referrers API (clients take it as "fall back to tag schema").
        // Such a repository simply has no referrers.
        Optional<String> artifactType = exchange.query("artifactType").filter(s -> !s.isEmpty());
        Optional<String> after = exchange.query("last").filter(s -> !s.isEmpty());
        try (Admission.Permit permit = listings.enter()) {
            Referrers.Page page = manifests.referrers().page(name, subject, artifactType, after, pageBytes);
            if (artifactType.isPresent()) {
                exchange.header("OCI-Filters-Applied", "artifactType");
            }
            page.next().ifPresent(next -> exchange.header("Link", "</v2/" + name + "/referrers/" + subject + "?"
                    + artifactType.map(t -> "artifactType=" + encode(t) + "&").orElse("") + "last=" + encode(next)
                    + ">; rel=\"next\""));
            List<InputStream> parts = new ArrayList<>();
            long length = HEAD.length + TAIL.length;
            parts.add(new ByteArrayInputStream(HEAD));
            for (byte[] descriptor : page.descriptors()) {
                if (parts.size() > 1) {
                    parts.add(new ByteArrayInputStream(COMMA));
                    length++;
                }
                parts.add(new ByteArrayInputStream(descriptor));
                length += descriptor.length;
            }
            parts.add(new ByteArrayInputStream(TAIL));
            exchange.send(200, MediaTypes.OCI_INDEX, length, new SequenceInputStream(Collections.enumeration(parts)));
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
