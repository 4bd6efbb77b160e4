package dev.berth.registry.auth.bearer;

import java.time.Instant;

/** A signed token and when it was made and ends. */
public record IssuedToken(String token, Instant issuedAt, Instant expiresAt) {

    public long expiresInSeconds() {
        return expiresAt.getEpochSecond() - issuedAt.getEpochSecond();
    }
}
