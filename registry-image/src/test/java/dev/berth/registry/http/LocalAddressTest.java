package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The healthcheck and the tests reach a registry that listens everywhere on loopback. */
class LocalAddressTest {

    @Test
    void theWildcardHostIsReachedOnLoopback() {
        assertEquals("127.0.0.1:5000", LocalAddress.hostPort("0.0.0.0", 5000));
        assertEquals("127.0.0.1:5000", LocalAddress.hostPort("::", 5000));
        assertEquals("127.0.0.1:5000", LocalAddress.hostPort("", 5000));
        assertEquals("127.0.0.1:5000", LocalAddress.hostPort(null, 5000));
    }

    @Test
    void anyOtherHostIsKeptAndIpv6IsBracketed() {
        assertEquals("[::1]:5001", LocalAddress.hostPort("::1", 5001));
        assertEquals("10.1.2.3:5000", LocalAddress.hostPort("10.1.2.3", 5000));
        assertEquals("localhost:5000", LocalAddress.hostPort("localhost", 5000));
    }
}
