package dev.berth.registry.oci;

import java.util.Map;
import java.util.Optional;

/** An OCI content descriptor: what a manifest says about one blob or child manifest. */
public record Descriptor(
        String mediaType, Digest digest, long size, Optional<String> artifactType, Map<String, String> annotations) {}
