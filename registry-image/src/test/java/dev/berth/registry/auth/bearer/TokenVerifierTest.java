package dev.berth.registry.auth.bearer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.MovableClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Signing and checking on one clock that the test moves: lifetimes, the skew, remembered tokens. */
class TokenVerifierTest {

    private static final String KEY = "unit-test-signing-key-0123456789abcdef";

    private final MovableClock clock = new MovableClock();
    private final TokenSigner signer = new TokenSigner(KEY, "iss", "svc", Duration.ofMinutes(5), Duration.ofDays(30),
            clock);
    private final TokenVerifier verifier = new TokenVerifier(KEY, "iss", "svc", clock);

    @Test
    void anAccessTokenIsGoodForItsLifetimeAndTheSkewEvenWhenRemembered() throws InvalidToken {
        List<Scope> access = List.of(new Scope(Scope.REPOSITORY, "a/b", List.of("pull")));
        IssuedToken token = signer.access(Optional.of("alice"), access);
        assertEquals(300, token.expiresInSeconds());
        VerifiedToken verified = verifier.verifyAccess(token.token());
        assertEquals(Optional.of("alice"), verified.user());
        assertTrue(verified.grants(Scope.REPOSITORY, "a/b", "pull"));
        assertEquals(false, verified.grants(Scope.REPOSITORY, "a/b", "push"));

        clock.advance(Duration.ofMinutes(5).plusSeconds(29));
        assertEquals(verified, verifier.verifyAccess(token.token())); // within the skew, from memory
        clock.advance(Duration.ofSeconds(2));
        InvalidToken expired = assertThrows(InvalidToken.class, () -> verifier.verifyAccess(token.token()));
        assertEquals("expired", expired.getMessage());
    }

    @Test
    void aTokenFromAClockAheadIsTakenWithinTheSkewOnly() throws InvalidToken {
        IssuedToken token = signer.access(Optional.empty(), List.of());
        clock.advance(Duration.ofSeconds(-29));
        assertEquals(Optional.empty(), verifier.verifyAccess(token.token()).user());
        TokenVerifier fresh = new TokenVerifier(KEY, "iss", "svc", clock);
        clock.advance(Duration.ofSeconds(-2));
        assertEquals("not valid yet", assertThrows(InvalidToken.class, () -> fresh.verifyAccess(token.token()))
                .getMessage());
    }

    @Test
    void refreshAndAccessTokensAreNotInterchangeable() throws InvalidToken {
        IssuedToken refresh = signer.refresh("alice");
        assertEquals(Duration.ofDays(30).toSeconds(), refresh.expiresInSeconds());
        assertEquals("alice", verifier.verifyRefresh(refresh.token()));
        assertThrows(InvalidToken.class, () -> verifier.verifyAccess(refresh.token()));
        IssuedToken access = signer.access(Optional.of("alice"), List.of());
        assertThrows(InvalidToken.class, () -> verifier.verifyRefresh(access.token()));
        clock.advance(Duration.ofDays(31));
        assertThrows(InvalidToken.class, () -> verifier.verifyRefresh(refresh.token()));
    }

    @Test
    void anotherServiceOrIssuerOrKeyRefusesTheToken() {
        String token = signer.access(Optional.of("alice"), List.of()).token();
        for (TokenVerifier other : List.of(new TokenVerifier(KEY, "iss", "other", clock),
                new TokenVerifier(KEY, "other", "svc", clock),
                new TokenVerifier("another-unit-test-key-0123456789abcdef", "iss", "svc", clock))) {
            assertThrows(InvalidToken.class, () -> other.verifyAccess(token));
        }
    }
}
