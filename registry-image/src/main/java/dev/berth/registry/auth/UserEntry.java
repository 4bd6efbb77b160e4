package dev.berth.registry.auth;

/**
 * What a user's password is checked against. A name the source does not know gets a decoy that
 * costs the same and matches nothing ({@code known} false), so that names cannot be found out by
 * timing the answers.
 */
public record UserEntry(PasswordVerifier verifier, boolean known) {}
