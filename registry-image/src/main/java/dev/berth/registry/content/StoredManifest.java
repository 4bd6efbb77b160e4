package dev.berth.registry.content;

import dev.berth.registry.oci.Digest;
import java.util.Optional;

/** What a repository records about one of its manifests, enough to answer HEAD without reading it. */
public record StoredManifest(Digest digest, String mediaType, long size, Optional<Digest> subject) {}
