package dev.berth.registry.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.auth.FileStamp;
import dev.berth.registry.auth.UnknownUsers;
import dev.berth.registry.auth.UserSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code auth.access} as it stands now in the config file the registry was started from: the
 * file is looked at every {@value #POLL_SECONDS} s (modification time and size) and, when it
 * changed, only {@code auth.access} is read again and takes effect for the next requests; every
 * other changed key is logged as needing a restart. A file whose new section cannot be used (not
 * YAML, an unknown key, group or action) keeps the rules in force and logs one error. Adding the
 * section restricts a registry that had none; removing it lets every authenticated user do
 * everything again (registry:2's behaviour), with a warning.
 *
 * <p>Without a config file (the embedded default, or settings built in code) the rules stay as
 * they were at the start.
 */
public final class AccessReload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessReload.class);
    static final int POLL_SECONDS = 2;

    private final RegistryConfig.Source source;
    private final UserSource users;
    private volatile Optional<AccessPolicy> current;
    private JsonNode settings;
    private FileStamp stamp;
    private final Thread poller;

    private AccessReload(RegistryConfig.Source source, UserSource users, Optional<AccessPolicy> first,
            JsonNode settings, FileStamp stamp) {
        this.source = source;
        this.users = users;
        this.current = first;
        this.settings = settings;
        this.stamp = stamp;
        this.poller = source == null ? null : Thread.ofVirtual().name("berth-access-reload").unstarted(this::poll);
    }

    /** Watches the file {@code config} was read from, if any. */
    public static AccessReload start(RegistryConfig config, UserSource users) {
        if (config.source().isEmpty()) {
            return new AccessReload(null, users, config.access(), null, null);
        }
        RegistryConfig.Source source = config.source().get();
        JsonNode settings;
        FileStamp stamp;
        try {
            stamp = FileStamp.of(source.file());
            settings = new ConfigLoader().reread(source.file(), source.env()).root();
        } catch (IOException | ConfigException e) {
            LOG.warn("{}: cannot watch for changes to auth.access: {}", source.file(), e.getMessage());
            return new AccessReload(null, users, config.access(), null, null);
        }
        AccessReload reload = new AccessReload(source, users, config.access(), settings, stamp);
        reload.poller.start();
        return reload;
    }

    /** The rules in force now; empty: every authenticated user may do everything. */
    public Optional<AccessPolicy> current() {
        return current;
    }

    /** Looks at the file once; true when the rules changed. */
    synchronized boolean reloadIfChanged() {
        FileStamp now;
        try {
            now = FileStamp.of(source.file());
        } catch (IOException e) {
            return false; // being replaced: look again next time
        }
        if (now.equals(stamp)) {
            return false;
        }
        stamp = now;
        ConfigTree tree;
        Optional<AccessPolicy> policy;
        try {
            tree = new ConfigLoader().reread(source.file(), source.env());
            policy = AccessSection.read(tree);
        } catch (ConfigException e) {
            LOG.error("{} changed but cannot be used, keeping the access rules in force: {}", source.file(),
                    e.getMessage());
            return false;
        }
        JsonNode before = settings;
        settings = tree.root();
        List<String> others = changedKeys(before, settings, "", new ArrayList<>());
        if (!others.isEmpty()) {
            LOG.warn("{} changed: {} need(s) a restart to take effect", source.file(), String.join(", ", others));
        }
        if (before.path("auth").path("access").equals(settings.path("auth").path("access"))) {
            return false;
        }
        current = policy;
        if (policy.isEmpty()) {
            LOG.warn("{}: auth.access removed: every authenticated user may now do everything", source.file());
        } else {
            LOG.info("{}: auth.access reloaded: {} rule(s), {} group(s), {} admin(s)", source.file(),
                    policy.get().rules().size(), policy.get().groups().size(), policy.get().admins().size());
        }
        UnknownUsers.warn(users.names(), policy, "the user source");
        return true;
    }

    private void poll() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(Duration.ofSeconds(POLL_SECONDS));
            } catch (InterruptedException e) {
                return;
            }
            try {
                reloadIfChanged();
            } catch (RuntimeException e) {
                LOG.error("{}: looking for changes to auth.access failed: {}", source.file(), e.toString());
            }
        }
    }

    /** Dotted keys whose values differ between two settings trees, {@code auth.access} left out. */
    private static List<String> changedKeys(JsonNode a, JsonNode b, String prefix, List<String> changed) {
        if (prefix.equals("auth.access")) {
            return changed;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode x = a.has(name) ? a.get(name) : MissingNode.getInstance();
                JsonNode y = b.has(name) ? b.get(name) : MissingNode.getInstance();
                changedKeys(x, y, prefix.isEmpty() ? name : prefix + "." + name, changed);
            }
        } else if (!a.equals(b)) {
            changed.add(prefix);
        }
        return changed;
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.interrupt();
        }
    }
}
