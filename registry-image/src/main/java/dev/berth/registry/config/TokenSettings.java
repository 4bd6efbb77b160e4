package dev.berth.registry.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code auth.token}, registry:2's external token server: where clients get tokens
 * ({@code realm}), whom tokens must be for ({@code service}) and from ({@code issuer}), and the
 * keys they may be signed with: the certificates of {@code rootcertbundle} and the keys of a
 * {@code jwks} file (at least one of the two).
 */
public record TokenSettings(String realm, String service, String issuer, Optional<Path> rootCertBundle,
        Optional<Path> jwks) {}
