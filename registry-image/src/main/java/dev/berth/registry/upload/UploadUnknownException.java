package dev.berth.registry.upload;

/** No upload with that id exists for that repository (never started, finished, cancelled or purged). */
public class UploadUnknownException extends Exception {
    public UploadUnknownException(String id) {
        super("upload " + id + " is not known");
    }
}
