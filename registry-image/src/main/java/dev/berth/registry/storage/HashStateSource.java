package dev.berth.registry.storage;

import java.io.IOException;
import java.util.Optional;

/**
 * The caller's hash state after an append's bytes, asked for once the storage has read them all
 * and saved with the upload's new state in the same write, so that the two never disagree.
 */
@FunctionalInterface
public interface HashStateSource {

    HashStateSource NONE = Optional::empty;

    Optional<byte[]> afterData() throws IOException;
}
