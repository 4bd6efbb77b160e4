package dev.berth.registry.config;

import dev.berth.registry.config.RegistryConfig.S3;
import dev.berth.registry.config.RegistryConfig.StorageSettings;
import dev.berth.registry.config.RegistryConfig.UploadPurging;
import java.util.ArrayList;
import java.util.List;

/**
 * The effective settings as log lines, so an operator sees what the registry really runs
 * with after file, defaults and environment are merged. Secrets are never printed: only
 * whether they are set.
 */
public final class SettingsSummary {

    private SettingsSummary() {}

    public static List<String> lines(RegistryConfig config) {
        List<String> lines = new ArrayList<>();
        lines.add("http.addr: " + hostPort(config.http().host(), config.http().port()));
        lines.add("http.secret: " + (config.http().secretGenerated() ? "generated at start" : "set"));
        lines.add("http.draintimeout: " + GoDuration.format(config.http().drainTimeout()));
        lines.add("http.tls: " + config.http().tls()
                .map(t -> "certificate " + t.certificate() + ", key " + t.key() + ", minimumtls " + t.minimumTls()
                        + (t.clientCas().isEmpty() ? "" : ", client certificates " + (t.clientCertificateRequired()
                                ? "required" : "verified if given") + " from " + t.clientCas()))
                .orElse("none: plain HTTP"));
        lines.add("http.debug.addr: " + config.http().debug().map(d -> hostPort(d.host(), d.port())
                + " (/metrics, /healthz, /readyz)").orElse("none: no metrics listener"));
        lines.add("log.level: " + config.log().level());
        lines.add("log.formatter: " + config.log().format().name().toLowerCase(java.util.Locale.ROOT));
        lines.add("log.accesslog.disabled: " + !config.log().accessLog());
        StorageSettings storage = config.storage();
        switch (storage.driver()) {
            case FILESYSTEM -> lines.add("storage.filesystem.rootdirectory: " + storage.filesystemRoot().toAbsolutePath().normalize());
            case S3 -> lines.add(describe(storage.s3().orElseThrow()));
        }
        lines.add("storage.delete.enabled: " + storage.deleteEnabled());
        lines.add("storage.redirect.disable: " + storage.redirectDisabled());
        UploadPurging purging = storage.uploadPurging();
        lines.add("storage.maintenance.uploadpurging: " + (purging.enabled()
                ? "uploads older than " + GoDuration.format(purging.age()) + " removed every " + GoDuration.format(purging.interval())
                : "disabled"));
        lines.add("auth: " + config.token()
                .map(t -> "token, realm " + t.realm() + ", service \"" + t.service() + "\", issuer \"" + t.issuer()
                        + "\"" + t.rootCertBundle().map(p -> ", rootcertbundle " + p).orElse("")
                        + t.jwks().map(p -> ", jwks " + p).orElse(""))
                .or(() -> config.htpasswd().map(h -> "htpasswd, realm \"" + h.realm() + "\", file " + h.path()
                        + " (re-read when it changes)"))
                .or(() -> config.aws().map(a -> "aws, users and rules from SSM parameter " + a.parameter()
                        + ", passwords from Secrets Manager, region " + a.region()
                        + a.endpoint().map(e -> ", endpoint " + e).orElse("") + ", refreshed every "
                        + GoDuration.format(a.refresh())))
                .orElse("none: anyone who reaches the port can push and pull"));
        lines.add("auth.access: " + (config.aws().isPresent() ? "from the auth.aws parameter" : config.access()
                .map(a -> a.rules().size() + " rules, " + a.groups().size() + " groups, " + a.admins().size() + " admins")
                .orElse(config.htpasswd().isPresent() ? "none: every authenticated user may do everything" : "none"))
                + (config.access().isPresent() && config.source().isPresent() ? " (re-read when the file changes)" : ""));
        config.bearer().ifPresent(b -> lines.add("auth.bearer: service \"" + b.service() + "\", issuer \""
                + b.issuer() + "\", lifetime " + GoDuration.format(b.lifetime()) + ", refreshlifetime "
                + GoDuration.format(b.refreshLifetime()) + ", realm " + b.realm().orElse("derived from each request")
                + ", signingkey " + (b.keyGenerated() ? "generated" : "set")));
        Limits limits = config.limits();
        lines.add("limits: uploads " + limits.uploads() + ", uploadwait " + GoDuration.format(limits.uploadWait())
                + ", bodytimeout " + GoDuration.format(limits.bodyTimeout()) + ", manifestsize " + limits.manifestSize()
                + ", manifests " + limits.manifests() + ", referrerssize " + limits.referrersSize()
                + ", headersize " + limits.headerSize() + ", connections " + limits.connections()
                + ", passwordchecks " + limits.passwordChecks() + ", passwordfailures " + limits.passwordFailures()
                + ", userfailures " + limits.userFailures() + ", trustforwardedfor " + limits.trustForwardedFor());
        return lines;
    }

    static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String describe(S3 s3) {
        return "storage.s3: bucket " + s3.bucket()
                + ", region " + s3.region()
                + s3.regionEndpoint().map(e -> ", endpoint " + e).orElse("")
                + ", rootdirectory \"" + s3.rootDirectory() + "\""
                + ", forcepathstyle " + s3.forcePathStyle()
                + ", secure " + s3.secure()
                + ", encrypt " + s3.encrypt()
                + ", chunksize " + s3.chunkSize()
                + ", storageclass " + s3.storageClass()
                + ", credentials " + (s3.accessKey().isPresent() ? "from accesskey/secretkey" : "from the default AWS chain");
    }
}
