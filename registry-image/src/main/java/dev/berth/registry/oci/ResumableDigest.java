package dev.berth.registry.oci;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.security.MessageDigest;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SHA-256/384/512 hash whose intermediate state can be saved to storage and restored by
 * another process, so an upload spread over several requests (and registry instances) is
 * hashed once, as it streams, and never re-read to verify its digest.
 *
 * <p>It drives the JDK's own digest implementation (keeping its CPU intrinsics) and reads
 * its state fields; that needs {@code --add-opens java.base/sun.security.provider}, which the
 * jar's manifest grants. Without it, {@link #saveState()} is empty and callers fall back to
 * re-hashing the stored bytes.
 */
public final class ResumableDigest {

    private static final Logger LOG = LoggerFactory.getLogger(ResumableDigest.class);
    private static final int FORMAT = 1;
    private static final Internals INTERNALS = Internals.load();

    private final DigestAlgorithm algorithm;
    private final Internals internals;
    private final Object spi;
    private final MessageDigest plain;

    private ResumableDigest(DigestAlgorithm algorithm, Internals internals, Object spi, MessageDigest plain) {
        this.algorithm = algorithm;
        this.internals = internals;
        this.spi = spi;
        this.plain = plain;
    }

    public static ResumableDigest create(DigestAlgorithm algorithm) {
        if (INTERNALS != null) {
            return new ResumableDigest(algorithm, INTERNALS, INTERNALS.newSpi(algorithm), null);
        }
        return new ResumableDigest(algorithm, null, null, algorithm.newMessageDigest());
    }

    /** True when {@link #saveState()} can capture this hash. */
    public static boolean isSupported() {
        return INTERNALS != null;
    }

    public DigestAlgorithm algorithm() {
        return algorithm;
    }

    public void update(byte[] bytes, int offset, int length) {
        if (spi == null) {
            plain.update(bytes, offset, length);
        } else {
            internals.update(spi, bytes, offset, length);
        }
    }

    /** Completes the hash. The object must not be used afterwards. */
    public Digest finish() {
        byte[] hash = spi == null ? plain.digest() : internals.digest(spi);
        return Digest.of(algorithm, hash);
    }

    /** How many bytes this hash has taken in; -1 when the JDK's internals are not reachable. */
    public long bytesHashed() {
        return spi == null ? -1 : (long) internals.bytesProcessed().get(spi);
    }

    /** The state so far, or empty when the JDK's internals are not reachable. */
    public Optional<byte[]> saveState() {
        if (spi == null) {
            return Optional.empty();
        }
        return Optional.of(internals.save(algorithm, spi));
    }

    /** Restores a state written by {@link #saveState()}; empty if it is unreadable here. */
    public static Optional<ResumableDigest> restore(byte[] state) {
        if (INTERNALS == null || state == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(INTERNALS.restore(state));
        } catch (IOException | RuntimeException e) {
            LOG.debug("hash state not restorable: {}", e.toString());
            return Optional.empty();
        }
    }

    /** Handles onto the JDK's sun.security.provider digest classes. */
    private record Internals(
            MethodHandle newSha256,
            MethodHandle newSha384,
            MethodHandle newSha512,
            MethodHandle update,
            MethodHandle digest,
            VarHandle buffer,
            VarHandle bufOfs,
            VarHandle bytesProcessed,
            VarHandle sha256State,
            VarHandle sha512State) { // SHA5's state: SHA-384 and SHA-512 alike

        static Internals load() {
            try {
                Class<?> base = Class.forName("sun.security.provider.DigestBase");
                Class<?> sha2 = Class.forName("sun.security.provider.SHA2");
                Class<?> sha5 = Class.forName("sun.security.provider.SHA5");
                Class<?> sha256 = Class.forName("sun.security.provider.SHA2$SHA256");
                Class<?> sha384 = Class.forName("sun.security.provider.SHA5$SHA384");
                Class<?> sha512 = Class.forName("sun.security.provider.SHA5$SHA512");
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(base, MethodHandles.lookup());
                MethodHandles.Lookup lookup2 = MethodHandles.privateLookupIn(sha2, MethodHandles.lookup());
                MethodHandles.Lookup lookup5 = MethodHandles.privateLookupIn(sha5, MethodHandles.lookup());
                Internals internals = new Internals(
                        MethodHandles.privateLookupIn(sha256, MethodHandles.lookup())
                                .findConstructor(sha256, MethodType.methodType(void.class))
                                .asType(MethodType.methodType(Object.class)),
                        MethodHandles.privateLookupIn(sha384, MethodHandles.lookup())
                                .findConstructor(sha384, MethodType.methodType(void.class))
                                .asType(MethodType.methodType(Object.class)),
                        MethodHandles.privateLookupIn(sha512, MethodHandles.lookup())
                                .findConstructor(sha512, MethodType.methodType(void.class))
                                .asType(MethodType.methodType(Object.class)),
                        lookup.findVirtual(base, "engineUpdate",
                                        MethodType.methodType(void.class, byte[].class, int.class, int.class))
                                .asType(MethodType.methodType(void.class, Object.class, byte[].class, int.class,
                                        int.class)),
                        lookup.findVirtual(base, "engineDigest", MethodType.methodType(byte[].class))
                                .asType(MethodType.methodType(byte[].class, Object.class)),
                        lookup.findVarHandle(base, "buffer", byte[].class),
                        lookup.findVarHandle(base, "bufOfs", int.class),
                        lookup.findVarHandle(base, "bytesProcessed", long.class),
                        lookup2.findVarHandle(sha2, "state", int[].class),
                        lookup5.findVarHandle(sha5, "state", long[].class));
                internals.selfTest();
                return internals;
            } catch (Throwable e) {
                LOG.warn("Resumable hashing unavailable ({}); multi-request uploads will be re-read to verify"
                        + " their digest. Run with --add-opens java.base/sun.security.provider=ALL-UNNAMED.",
                        e.toString());
                return null;
            }
        }

        /** Proves save/restore gives the JDK's own answer before trusting it. */
        private void selfTest() throws IOException {
            byte[] data = new byte[300];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 7);
            }
            for (DigestAlgorithm a : DigestAlgorithm.values()) {
                Object first = newSpi(a);
                update(first, data, 0, 131);
                ResumableDigest second = restore(save(a, first));
                second.update(data, 131, data.length - 131);
                Digest expected = Digest.compute(a, data);
                if (!second.finish().equals(expected)) {
                    throw new IllegalStateException("restored " + a.id() + " state gives a different hash");
                }
            }
        }

        Object newSpi(DigestAlgorithm algorithm) {
            try {
                return switch (algorithm) {
                    case SHA256 -> (Object) newSha256.invokeExact();
                    case SHA384 -> (Object) newSha384.invokeExact();
                    case SHA512 -> (Object) newSha512.invokeExact();
                };
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        void update(Object spi, byte[] bytes, int offset, int length) {
            try {
                update.invokeExact(spi, bytes, offset, length);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        byte[] digest(Object spi) {
            try {
                return (byte[]) digest.invokeExact(spi);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        byte[] save(DigestAlgorithm algorithm, Object spi) {
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeByte(FORMAT);
                out.writeUTF(algorithm.id());
                out.writeLong((long) bytesProcessed.get(spi));
                int ofs = (int) bufOfs.get(spi);
                out.writeInt(ofs);
                out.write((byte[]) buffer.get(spi), 0, ofs);
                if (algorithm == DigestAlgorithm.SHA256) {
                    for (int word : (int[]) sha256State.get(spi)) {
                        out.writeInt(word);
                    }
                } else {
                    for (long word : (long[]) sha512State.get(spi)) {
                        out.writeLong(word);
                    }
                }
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new IllegalStateException("in-memory write", e);
            }
        }

        ResumableDigest restore(byte[] state) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
            if (in.readByte() != FORMAT) {
                throw new IOException("unknown hash state format");
            }
            DigestAlgorithm algorithm = DigestAlgorithm.byId(in.readUTF())
                    .orElseThrow(() -> new IOException("unknown algorithm"));
            Object spi = newSpi(algorithm);
            long processed = in.readLong();
            int ofs = in.readInt();
            byte[] buf = (byte[]) buffer.get(spi);
            if (ofs < 0 || ofs >= buf.length || processed < 0) {
                throw new IOException("corrupt hash state");
            }
            in.readFully(buf, 0, ofs);
            if (algorithm == DigestAlgorithm.SHA256) {
                int[] words = (int[]) sha256State.get(spi);
                for (int i = 0; i < words.length; i++) {
                    words[i] = in.readInt();
                }
            } else {
                long[] words = (long[]) sha512State.get(spi);
                for (int i = 0; i < words.length; i++) {
                    words[i] = in.readLong();
                }
            }
            bufOfs.set(spi, ofs);
            bytesProcessed.set(spi, processed);
            return new ResumableDigest(algorithm, this, spi, null);
        }
    }
}
