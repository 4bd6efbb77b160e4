package dev.berth.cdk.service;

import java.util.concurrent.TimeUnit;

/** Stopping the tests' child processes: SIGTERM, a grace period, then SIGKILL. */
final class Processes {

    private Processes() {
    }

    static void stop(Process process) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
