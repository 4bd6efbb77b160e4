package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HttpAddressTest {

    @Test
    void portAloneListensOnAllInterfaces() {
        assertEquals(new HttpAddress("0.0.0.0", 5000), HttpAddress.parse(":5000"));
    }

    @Test
    void ipv4HostAndPort() {
        assertEquals(new HttpAddress("0.0.0.0", 5000), HttpAddress.parse("0.0.0.0:5000"));
        assertEquals(new HttpAddress("127.0.0.1", 5001), HttpAddress.parse("127.0.0.1:5001"));
    }

    @Test
    void hostName() {
        assertEquals(new HttpAddress("localhost", 5000), HttpAddress.parse("localhost:5000"));
    }

    @Test
    void bracketedIpv6LosesItsBrackets() {
        assertEquals(new HttpAddress("::1", 5000), HttpAddress.parse("[::1]:5000"));
        assertEquals(new HttpAddress("::", 443), HttpAddress.parse("[::]:443"));
    }

    @Test
    void ipv6WithoutBracketsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpAddress.parse("::1:5000"));
        assertEquals("an IPv6 host needs brackets, as in [::1]:5000, got \"::1:5000\"", e.getMessage());
    }

    @Test
    void unclosedBracketIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> HttpAddress.parse("[::1:5000"));
    }

    @Test
    void lowestAndHighestPorts() {
        assertEquals(1, HttpAddress.parse(":1").port());
        assertEquals(65535, HttpAddress.parse(":65535").port());
    }
}
