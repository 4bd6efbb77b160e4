package dev.berth.registry.http.handlers;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per upload id, held by the requests that change the upload, so that a client's
 * racing chunks queue in this process instead of failing each other in storage (which refuses
 * all but one of them, also across processes). Only ids with requests in flight are kept.
 */
final class UploadLocks {

    /** A held lock; closing it releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** A lock counted by the requests holding or awaiting it, so that the last one removes it. */
    private static final class CountedLock extends ReentrantLock {
        int users;
    }

    private final Map<String, CountedLock> locks = new ConcurrentHashMap<>();

    /** Waits until no other request holds the lock of {@code id}, then holds it. */
    Held lock(String id) {
        CountedLock lock = locks.compute(id, (key, existing) -> {
            CountedLock l = existing != null ? existing : new CountedLock();
            l.users++;
            return l;
        });
        lock.lock();
        return () -> {
            lock.unlock();
            locks.computeIfPresent(id, (key, l) -> --l.users == 0 ? null : l);
        };
    }

    /** How many upload ids have a request holding or awaiting their lock. */
    int inUse() {
        return locks.size();
    }
}
