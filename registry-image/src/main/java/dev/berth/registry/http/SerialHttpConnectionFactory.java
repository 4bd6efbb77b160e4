package dev.berth.registry.http;

import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * HTTP/1 connections that read and parse on one thread at a time.
 *
 * <p>Jetty 12.1's HTTP/1 connection answers an unparseable request (a TLS handshake sent to this
 * plain port, a request line with a NUL) on a second thread while the thread that parsed it is
 * still inside its read loop; when that answer completes, a third thread may enter the read loop
 * too. Two read loops then share the connection's parser and its pooled request buffer: one
 * releases the buffer to the pool while the other still moves its position, and the connection
 * that takes the buffer next sees its own valid request cut or mixed with the other's bytes
 * (a 400 "Illegal character", "No Host", "Duplicate Host Header" to a valid GET). Here a second
 * reader waits for the first to leave, so a buffer goes back to the pool only when no thread of
 * its connection can touch it. A reader waits only in that case: a connection's reads are
 * otherwise sequential already.
 */
final class SerialHttpConnectionFactory extends HttpConnectionFactory {

    private final LongAdder overlaps = new LongAdder();

    SerialHttpConnectionFactory(HttpConfiguration configuration) {
        super(configuration);
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HttpConnection connection = new SerialHttpConnection(getHttpConfiguration(), connector, endPoint, overlaps);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }

    /** How many times a read loop had to wait for another one on the same connection. */
    long overlappingReads() {
        return overlaps.sum();
    }

    private static final class SerialHttpConnection extends HttpConnection {
        private final ReentrantLock reading = new ReentrantLock();
        private final LongAdder overlaps;

        SerialHttpConnection(HttpConfiguration configuration, Connector connector, EndPoint endPoint, LongAdder overlaps) {
            super(configuration, connector, endPoint);
            this.overlaps = overlaps;
        }

        @Override
        public void onFillable() {
            if (!reading.tryLock()) {
                overlaps.increment();
                reading.lock();
            }
            try {
                super.onFillable();
            } finally {
                reading.unlock();
            }
        }
    }
}
