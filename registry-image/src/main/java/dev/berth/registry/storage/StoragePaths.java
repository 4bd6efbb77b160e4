package dev.berth.registry.storage;

import dev.berth.registry.oci.Digest;

/**
 * Every metadata path the registry uses, in one place. Repository names are validated before
 * they get here, so they are safe path segments joined by '/'.
 *
 * <pre>
 * repositories/&lt;name&gt;/_layers/&lt;alg&gt;/&lt;hex&gt;                 blob linked into the repository
 * repositories/&lt;name&gt;/_manifests/revisions/&lt;alg&gt;/&lt;hex&gt;    manifest in the repository (its media type, size)
 * repositories/&lt;name&gt;/_manifests/tags/&lt;tag&gt;                tag → manifest digest
 * repositories/&lt;name&gt;/_referrers/&lt;alg&gt;/&lt;hex&gt;/&lt;alg&gt;-&lt;hex&gt;   subject → referrer descriptor
 * catalog/&lt;name with '/' as ','&gt;                              repository exists (flat list for _catalog)
 * uploads/&lt;id&gt;/...                                           uploads in progress, each backend's own objects
 * </pre>
 */
public final class StoragePaths {

    private StoragePaths() {}

    public static String repository(String name) {
        return "repositories/" + name;
    }

    public static String layerLink(String name, Digest digest) {
        return repository(name) + "/_layers/" + digest.algorithm().id() + "/" + digest.hex();
    }

    public static String manifestRevisions(String name) {
        return repository(name) + "/_manifests/revisions";
    }

    public static String manifestRevision(String name, Digest digest) {
        return manifestRevisions(name) + "/" + digest.algorithm().id() + "/" + digest.hex();
    }

    public static String tags(String name) {
        return repository(name) + "/_manifests/tags";
    }

    public static String tag(String name, String tag) {
        return tags(name) + "/" + tag;
    }

    public static String referrers(String name, Digest subject) {
        return repository(name) + "/_referrers/" + subject.algorithm().id() + "/" + subject.hex();
    }

    public static String referrer(String name, Digest subject, Digest referrer) {
        return referrers(name, subject) + "/" + referrer.algorithm().id() + "-" + referrer.hex();
    }

    public static final String CATALOG = "catalog";

    public static String catalogEntry(String name) {
        return CATALOG + "/" + name.replace('/', ',');
    }

    public static String nameFromCatalogEntry(String entry) {
        return entry.replace(',', '/');
    }

    public static final String UPLOADS = "uploads";
}
