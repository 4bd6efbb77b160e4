package dev.berth.registry.upload;

import static dev.berth.registry.upload.FailingStorage.failing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.registry.content.Catalog;
import dev.berth.registry.content.RepositoryBlobs;
import dev.berth.registry.storage.FilesystemStorage;
import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoreCalls;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The purge removes uploads older than its age, and only those, whatever else it meets. */
class StaleUploadsTest {

    private static final Duration WEEK = Duration.ofDays(7);

    @TempDir
    Path folder;

    private Storage storage;
    private Uploads uploads;

    @BeforeEach
    void open() throws Exception {
        storage = new FilesystemStorage(folder);
        uploads = new Uploads(storage, new RepositoryBlobs(storage, new Catalog(storage)), Clock.systemUTC());
    }

    @Test
    void onlyUploadsStartedBeforeTheAgeArePurged() throws Exception {
        UploadRecord recent = uploads.start("team/app");
        assertEquals(0, new StaleUploads(storage, Clock.systemUTC()).purgeOlderThan(WEEK));
        assertEquals(0, StoreCalls.uploadSize(storage, recent.id()));

        assertEquals(1, new StaleUploads(storage, eightDaysLater()).purgeOlderThan(WEEK));
        assertThrows(NotFoundException.class, () -> StoreCalls.uploadSize(storage, recent.id()));
    }

    @Test
    void thePurgeGoesOnPastAnUploadItCannotRead() throws Exception {
        UploadRecord unreadable = uploads.start("team/app");
        UploadRecord stale = uploads.start("team/app");
        Storage failingForOne = failing(storage, (method, args) -> method.equals("upload") && args[0].equals(unreadable.id()),
                () -> new IllegalStateException("unreadable upload state"));
        assertEquals(1, new StaleUploads(failingForOne, eightDaysLater()).purgeOlderThan(WEEK));
        assertThrows(NotFoundException.class, () -> storage.upload(stale.id()));
        assertEquals(0, StoreCalls.uploadSize(storage, unreadable.id()));
    }

    @Test
    void anUploadWithoutADescriptionIsPurgedOnlyWhenTheNextRunStillFindsItSo() throws Exception {
        // A crash while creating an upload leaves one without its description; an upload being
        // started right now looks the same for a moment and must survive.
        StaleUploads stale = new StaleUploads(storage, Clock.systemUTC());
        StoreCalls.createUpload(storage, "11111111-2222-3333-4444-555555555555");
        assertEquals(0, stale.purgeOlderThan(WEEK));
        assertEquals(0, StoreCalls.uploadSize(storage, "11111111-2222-3333-4444-555555555555"));
        assertEquals(1, stale.purgeOlderThan(WEEK));
        assertThrows(NotFoundException.class, () -> StoreCalls.uploadSize(storage, "11111111-2222-3333-4444-555555555555"));
    }

    private static Clock eightDaysLater() {
        return Clock.offset(Clock.systemUTC(), Duration.ofDays(8));
    }
}
