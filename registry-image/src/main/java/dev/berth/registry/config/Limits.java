package dev.berth.registry.config;

import java.time.Duration;

/**
 * {@code limits.*}: Berth's bounds on what requests in flight may hold, so that no number of
 * clients, however slow or large their requests, exhausts the memory or the CPU of a task.
 * registry:2 has no such section; every key has a default sized for the image's 1 GiB container.
 *
 * @param uploads upload bodies (PATCH, PUT, single POST) read at the same time; each holds
 *     {@code UploadMemory.PER_UPLOAD} bytes of buffers while it is read
 * @param uploadWait how long an upload waits for one of {@code uploads} before it is answered
 *     429 TOOMANYREQUESTS with {@code Retry-After}
 * @param bodyTimeout a request body that sends nothing for this long is cut (the connection closed)
 * @param manifestSize the largest manifest accepted (registry:2: 4 MiB)
 * @param manifests manifest bodies read at the same time (each up to {@code manifestSize})
 * @param referrersSize the most bytes of descriptors in one referrers response; more come as
 *     further pages through a {@code Link} header
 * @param headerSize the largest request line plus headers, in bytes
 * @param connections open connections; beyond them new ones wait in the system's accept queue
 * @param passwordChecks password (bcrypt) checks that run at the same time, all clients together
 */
public record Limits(
        int uploads,
        Duration uploadWait,
        Duration bodyTimeout,
        int manifestSize,
        int manifests,
        int referrersSize,
        int headerSize,
        int connections,
        int passwordChecks) {

    public static final Limits DEFAULTS = new Limits(
            64, Duration.ofSeconds(30), Duration.ofSeconds(60), 4 * 1024 * 1024, 8, 1024 * 1024, 16 * 1024, 1024, 1);
}
