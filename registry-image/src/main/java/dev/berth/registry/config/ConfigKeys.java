package dev.berth.registry.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which keys Berth reads, and which registry:2 keys it knowingly ignores. Anything else in a
 * config is reported as unknown. Neither kind stops the registry: a registry:2 config must
 * keep working, so each ignored key gets one warning naming it.
 */
final class ConfigKeys {

    /** Keys whose value Berth uses. */
    static final Set<String> SUPPORTED = Set.of(
            "version",
            "log.level", "log.formatter", "log.accesslog.disabled",
            "http.addr", "http.debug.addr", "http.net", "http.secret", "http.draintimeout",
            "http.tls.certificate", "http.tls.key", "http.tls.clientcas", "http.tls.minimumtls", "http.tls.clientauth",
            "storage.filesystem.rootdirectory",
            "storage.s3.bucket", "storage.s3.region", "storage.s3.regionendpoint", "storage.s3.forcepathstyle",
            "storage.s3.rootdirectory", "storage.s3.chunksize", "storage.s3.accesskey", "storage.s3.secretkey",
            "storage.s3.encrypt", "storage.s3.secure", "storage.s3.storageclass",
            "storage.delete.enabled",
            "storage.redirect.disable",
            "storage.maintenance.uploadpurging.enabled", "storage.maintenance.uploadpurging.age",
            "storage.maintenance.uploadpurging.interval",
            "auth.htpasswd.realm", "auth.htpasswd.path", AccessSection.KEY,
            "auth.aws.parameter", "auth.aws.region", "auth.aws.endpoint", "auth.aws.refresh",
            "auth.bearer.signingkey", "auth.bearer.service", "auth.bearer.issuer", "auth.bearer.lifetime",
            "auth.bearer.refreshlifetime", "auth.bearer.realm",
            "auth.token.realm", "auth.token.service", "auth.token.issuer", "auth.token.rootcertbundle",
            "auth.token.jwks",
            "limits.uploads", "limits.uploadwait", "limits.bodytimeout", "limits.manifestsize", "limits.manifests",
            "limits.referrerssize", "limits.headersize", "limits.connections", "limits.passwordchecks",
            "limits.passwordfailures", "limits.trustforwardedfor", "limits.userfailures");

    /** Sections whose keys are checked one by one. */
    static final Set<String> SECTIONS = Set.of(
            "log", "log.accesslog", "http", "http.debug", "http.tls", "storage", "storage.filesystem", "storage.s3",
            "storage.delete",
            "storage.redirect", "storage.maintenance", "storage.maintenance.uploadpurging", "auth", "auth.htpasswd",
            "auth.aws", "auth.bearer", "auth.token", "limits");

    /** registry:2 features Berth does not implement: the whole key is ignored with this reason. */
    static final Map<String, String> NOT_IMPLEMENTED = Map.ofEntries(
            Map.entry("loglevel", "deprecated in registry:2; use log.level"),
            Map.entry("log.fields", "extra log fields are not implemented"),
            Map.entry("log.hooks", "log hooks are not implemented"),
            Map.entry("http.tls.ciphersuites", "the JDK's cipher suites for the TLS versions allowed are used"),
            Map.entry("http.headers", "custom response headers are not implemented"),
            Map.entry("http.prefix", "a URL prefix is not implemented"),
            Map.entry("http.host", "Berth builds URLs from the request"),
            Map.entry("http.relativeurls", "Berth builds URLs from the request"),
            Map.entry("http.debug.prometheus", "metrics are always at /metrics on http.debug.addr"),
            Map.entry("http.http2", "HTTP/2 settings are not implemented"),
            Map.entry("http.h2c", "HTTP/2 settings are not implemented"),
            Map.entry("storage.cache", "Berth needs no blob descriptor cache"),
            Map.entry("storage.filesystem.maxthreads", "Berth uses virtual threads"),
            Map.entry("storage.maintenance.uploadpurging.dryrun", "dry runs are not implemented"),
            Map.entry("storage.maintenance.readonly", "read-only mode is not implemented"),
            Map.entry("storage.s3.v4auth", "requests are always signed with SigV4"),
            Map.entry("storage.s3.keyid", "SSE-KMS keys are not implemented"),
            Map.entry("storage.s3.skipverify", "TLS verification cannot be disabled"),
            Map.entry("storage.s3.sessiontoken", "use the default credential chain for temporary credentials"),
            Map.entry("storage.s3.objectacl", "object ACLs are not implemented"),
            Map.entry("storage.s3.loglevel", "use log.level"),
            Map.entry("storage.s3.multipartcopychunksize", "not implemented"),
            Map.entry("storage.s3.multipartcopymaxconcurrency", "not implemented"),
            Map.entry("storage.s3.multipartcopythresholdsize", "not implemented"),
            Map.entry("storage.s3.usedualstack", "not implemented"),
            Map.entry("storage.s3.accelerate", "not implemented"),
            Map.entry("storage.s3.virtualhostedstyle", "use storage.s3.forcepathstyle"),
            Map.entry("notifications", "webhook notifications are not implemented"),
            Map.entry("redis", "Berth uses no Redis cache"),
            Map.entry("health", "Berth answers /healthz itself"),
            Map.entry("middleware", "storage and registry middleware are not implemented"),
            Map.entry("reporting", "error reporting services are not implemented"),
            Map.entry("proxy", "pull-through caching is not implemented"),
            Map.entry("validation", "manifest URL validation is not implemented"),
            Map.entry("compatibility", "schema 1 manifests are not supported"),
            Map.entry("catalog", "catalog settings are not implemented"),
            Map.entry("policy", "repository policies are not implemented"),
            Map.entry("auth.token.autoredirect", "the realm is used as configured"),
            Map.entry("auth.token.autoredirectpath", "the realm is used as configured"),
            Map.entry("auth.token.signingalgorithms", "RS*, PS* and ES* tokens are accepted, never none or HS*"));

    /**
     * Security Berth cannot provide. Starting without the authentication or TLS an operator asked
     * for would open the registry to everyone, so these fail instead of warning.
     */
    static final Map<String, String> REFUSED = Map.of(
            "auth.silly", "not supported; Berth authenticates with auth.htpasswd or auth.token only"
                    + " (refusing to start without the authentication you configured)",
            "http.tls.letsencrypt", "not supported; give the certificate and key files in http.tls.certificate"
                    + " and http.tls.key (refusing to start without the TLS you configured)");

    private ConfigKeys() {}

    /** Adds one warning per ignored key under {@code node}; throws for a refused key. */
    static void check(JsonNode root, ConfigTree tree, Map<String, String> envOrigin, List<String> warnings) {
        walk(root, "", tree, envOrigin, warnings);
    }

    private static void walk(JsonNode node, String prefix, ConfigTree tree, Map<String, String> envOrigin,
            List<String> warnings) {
        node.fieldNames().forEachRemaining(name -> {
            String key = prefix.isEmpty() ? name : prefix + "." + name;
            JsonNode child = node.get(name);
            if (REFUSED.containsKey(key)) {
                throw tree.fail(key, REFUSED.get(key));
            } else if (SECTIONS.contains(key) && child.isObject()) {
                walk(child, key, tree, envOrigin, warnings);
            } else if (SUPPORTED.contains(key) || SECTIONS.contains(key)) {
                // Used by the loader, which validates the value.
            } else if (isDriverSection(key)) {
                // An unsupported driver: StorageSection says so.
            } else if (NOT_IMPLEMENTED.containsKey(key)) {
                warnings.add(key + ": not supported by Berth, ignored (" + NOT_IMPLEMENTED.get(key) + ")" + from(key, envOrigin));
            } else {
                warnings.add(key + ": unknown key, ignored" + from(key, envOrigin));
            }
        });
    }

    private static boolean isDriverSection(String key) {
        return key.startsWith("storage.") && key.indexOf('.', "storage.".length()) < 0
                && !StorageSection.NON_DRIVER_KEYS.contains(key.substring("storage.".length()));
    }

    private static String from(String key, Map<String, String> envOrigin) {
        return envOrigin.entrySet().stream()
                .filter(e -> e.getKey().equals(key) || e.getKey().startsWith(key + "."))
                .map(e -> " (set by " + e.getValue() + ")")
                .findFirst()
                .orElse("");
    }
}
