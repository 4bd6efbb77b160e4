package dev.berth.registry.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Blobs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Part sizing, part buffering and endpoint settings: no S3 needed. */
class PartSizesTest {

    private static final long MIB = 1024 * 1024;
    private static final long TIB = 1024 * 1024 * MIB;

    @Test
    void aTebibyteFitsInTenThousandPartsWithTheSmallestBase() {
        PartSizes sizes = new PartSizes(5 * MIB);
        assertTrue(sizes.capacity() >= TIB, "capacity " + sizes.capacity());
        assertTrue(new PartSizes(10 * MIB).capacity() >= 9 * TIB);
        assertTrue(new PartSizes(5L * 1024 * MIB).capacity() >= TIB);
    }

    @Test
    void partsStartAtTheBaseSizeAndDoubleEveryThousandUpToFiveGiB() {
        PartSizes sizes = new PartSizes(10 * MIB);
        assertEquals(10 * MIB, sizes.sizeOf(1));
        assertEquals(10 * MIB, sizes.sizeOf(1000));
        assertEquals(20 * MIB, sizes.sizeOf(1001));
        assertEquals(5120 * MIB, sizes.sizeOf(10_000));
        assertEquals(5120 * MIB, new PartSizes(100 * MIB).sizeOf(9_999));
        assertThrows(IllegalArgumentException.class, () -> sizes.sizeOf(10_001));
        assertThrows(IllegalArgumentException.class, () -> new PartSizes(MIB));
    }

    @Test
    void aPartBufferSpillsToAFileBeyondItsMemoryLimitAndItsBodyCanBeReadTwice() throws Exception {
        byte[] content = Blobs.random(300_000, 1);
        try (PartBuffer buffer = new PartBuffer(64 * 1024, new MemoryBudget(1024 * 1024))) {
            InputStream in = new ByteArrayInputStream(content);
            assertEquals(50_000, buffer.fill(in, 50_000)); // in memory
            assertEquals(200_000, buffer.fill(in, 250_000)); // spills
            assertEquals(250_000, buffer.size());
            for (int i = 0; i < 2; i++) {
                byte[] body = buffer.body().contentStreamProvider().newStream().readAllBytes();
                assertArrayEquals(java.util.Arrays.copyOf(content, 250_000), body);
            }
            buffer.reset();
            assertEquals(50_000, buffer.fill(in, 250_000)); // the stream ends first
            byte[] rest = buffer.body().contentStreamProvider().newStream().readAllBytes();
            assertArrayEquals(java.util.Arrays.copyOfRange(content, 250_000, 300_000), rest);
        }
    }

    @Test
    void buffersBeyondTheSharedMemoryBudgetSpillToFilesAndGiveTheirShareBack() throws Exception {
        byte[] content = Blobs.random(200_000, 2);
        MemoryBudget budget = new MemoryBudget(150 * 1024);
        try (PartBuffer first = new PartBuffer(128 * 1024, budget);
                PartBuffer second = new PartBuffer(128 * 1024, budget)) {
            assertEquals(100_000, first.fill(new ByteArrayInputStream(content, 0, 100_000), 100_000));
            assertTrue(budget.availableBytes() < 128 * 1024, "the first buffer holds its bytes in memory");
            // Not enough left for a second buffer in memory: it goes to a file, correctly.
            assertEquals(200_000, second.fill(new ByteArrayInputStream(content), 200_000));
            assertArrayEquals(content, second.body().contentStreamProvider().newStream().readAllBytes());
            assertArrayEquals(java.util.Arrays.copyOf(content, 100_000),
                    first.body().contentStreamProvider().newStream().readAllBytes());
        }
        assertEquals(150 * 1024, budget.availableBytes());
    }

    @Test
    void endpointsWithoutASchemeFollowTheSecureSetting() {
        assertEquals(URI.create("https://minio.local:9000"), S3StorageFactory.endpoint("minio.local:9000", true));
        assertEquals(URI.create("http://minio.local:9000"), S3StorageFactory.endpoint("minio.local:9000", false));
        assertEquals(URI.create("http://127.0.0.1:9000"), S3StorageFactory.endpoint("http://127.0.0.1:9000/", true));
    }
}
