package dev.berth.registry.testing;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/** The first flight of a real TLS client, as Go's https ping (crane) sends it to a plain port. */
public final class TlsClientHello {

    private TlsClientHello() {}

    /** A ClientHello record for {@code host:port}. */
    public static byte[] bytes(String host, int port) throws GeneralSecurityException, SSLException {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine(host, port);
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.beginHandshake();
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        if (hello[0] != 0x16) {
            throw new IllegalStateException("not a TLS handshake record");
        }
        return hello;
    }
}
