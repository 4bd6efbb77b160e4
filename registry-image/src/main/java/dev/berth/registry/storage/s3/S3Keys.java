package dev.berth.registry.storage.s3;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.StoragePaths;
import java.util.UUID;

/**
 * Every key the S3 storage uses, named once. Keys of blob data are kept "below the root" (as
 * pointers and upload states store them, so that a bucket's objects do not depend on the
 * root they were written under); {@link #full} makes them bucket keys.
 *
 * <pre>
 * &lt;root&gt;/&lt;metadata path&gt;                      metadata (see StoragePaths), one object each
 * &lt;root&gt;/blobs/&lt;alg&gt;/&lt;hex&gt;                    blob pointer: {"key": data object, "size": n}
 * &lt;root&gt;/blobdata/&lt;upload id&gt;/data            a blob's bytes (completed multipart upload)
 * &lt;root&gt;/blobdata/&lt;upload id&gt;/tail-&lt;end&gt;-&lt;n&gt;  an upload's tail (the whole blob when it is smaller than a part)
 * &lt;root&gt;/blobdata/&lt;upload id&gt;/empty-&lt;n&gt;       the empty blob an upload without bytes became
 * &lt;root&gt;/blobdata/&lt;random id&gt;/data            a small blob written whole (a manifest)
 * &lt;root&gt;/uploads/&lt;id&gt;/s3state                  where an upload's bytes are (UploadState)
 * </pre>
 */
final class S3Keys {

    private static final String BLOB_DATA = "blobdata/";

    private final String root;

    /** @param rootDirectory prefix of every key ("" for the bucket's top; slashes at either end are ignored) */
    S3Keys(String rootDirectory) {
        String trimmed = rootDirectory == null ? "" : rootDirectory.replaceAll("^/+|/+$", "");
        this.root = trimmed.isEmpty() ? "" : trimmed + "/";
    }

    /** The bucket key of a key below the root. */
    String full(String belowRoot) {
        return root + belowRoot;
    }

    // ---- metadata ----

    /** The bucket key of a metadata path, refusing paths that are not plain relative paths. */
    String metadata(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException("not a storage path: " + path);
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("not a storage path: " + path);
            }
        }
        return root + path;
    }

    /** The bucket prefix of everything below a metadata directory. */
    String metadataDirectory(String directory) {
        return metadata(directory) + "/";
    }

    // ---- blobs ----

    /** The bucket key of a blob's pointer. */
    String pointer(Digest digest) {
        return root + "blobs/" + digest.algorithm().id() + "/" + digest.hex();
    }

    /** Below the root: the data object of a blob written whole, under an id of its own. */
    String newBlobData() {
        return uploadData(UUID.randomUUID().toString());
    }

    // ---- uploads ----

    /** Below the root: the data object an upload's multipart upload completes into. */
    String uploadData(String uploadId) {
        return BLOB_DATA + uploadId + "/data";
    }

    /**
     * Below the root: a new object for an upload's tail ending at byte {@code end}. Unique per
     * append, so that no other append can replace the bytes a state names.
     */
    String newTail(String uploadId, long end) {
        return BLOB_DATA + uploadId + "/tail-" + end + "-" + UUID.randomUUID();
    }

    /**
     * Below the root: a new object for the empty blob of an upload without bytes. Unique, so
     * that a delayed commit of this empty state never overwrites the data object a later state
     * of the same upload completed (and a pointer may name).
     */
    String newEmptyBlob(String uploadId) {
        return BLOB_DATA + uploadId + "/empty-" + UUID.randomUUID();
    }

    /** The bucket prefix of every data object of an upload (a blob's, once it is committed). */
    String uploadDataPrefix(String uploadId) {
        return root + BLOB_DATA + uploadId + "/";
    }

    /** The bucket key of an upload's state. */
    String uploadState(String uploadId) {
        return uploadPrefix(uploadId) + "s3state";
    }

    /** The bucket prefix of an upload's own objects (its state). */
    String uploadPrefix(String uploadId) {
        return root + StoragePaths.UPLOADS + "/" + uploadId + "/";
    }
}
