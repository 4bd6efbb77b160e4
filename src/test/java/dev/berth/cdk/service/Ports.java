package dev.berth.cdk.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports on the loopback interface, for child processes of the tests. */
final class Ports {

    private Ports() {
    }

    /**
     * A port free now that a child process binds a few seconds later. Chosen below Linux's
     * ephemeral range (32768 and up): a port the system hands out, as {@code new ServerSocket(0)}
     * does, may meanwhile be taken by an outgoing connection, such as the one to S3.
     */
    static int free() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (BindException taken) {
                // try another
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new UncheckedIOException(new IOException("no free port in 20000-31999 on 127.0.0.1"));
    }
}
