package dev.berth.registry.health;

import dev.berth.registry.storage.Storage;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Liveness and readiness of one registry process. Liveness ({@code /healthz}, what the load
 * balancer checks) never touches remote storage: a slow S3 must not mark every instance unhealthy
 * at once. Readiness ({@code /readyz}) adds the storage probe's cached result. Both go false the
 * moment a stop begins, so a balancer stops sending requests while those in flight drain.
 */
public final class Health {

    /** An answer: whether it is good, and a short reason when it is not. */
    public record Status(boolean ok, String detail) {}

    private final Storage storage;
    private final StorageProbe probe;
    private final AtomicBoolean stopping = new AtomicBoolean();

    public Health(Storage storage, StorageProbe probe) {
        this.storage = storage;
        this.probe = probe;
    }

    /** The process serves: not stopping, and its storage can take writes as far as it can tell cheaply (a full disk). */
    public Status live() {
        if (stopping.get()) {
            return new Status(false, "the registry is stopping");
        }
        Optional<String> writeProblem = storage.writeProblem();
        return writeProblem.map(p -> new Status(false, p)).orElse(new Status(true, "alive"));
    }

    /** Alive, and the last storage read answered in time. */
    public Status ready() {
        Status live = live();
        if (!live.ok()) {
            return live;
        }
        StorageProbe.Result storageResult = probe.result();
        return new Status(storageResult.ok(), storageResult.detail());
    }

    /** From now on neither check passes. */
    public void stopping() {
        stopping.set(true);
    }
}
