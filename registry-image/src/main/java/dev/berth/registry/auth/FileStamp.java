package dev.berth.registry.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * A file's modification time and size: when either differs from the last look, the file is read
 * again. The size catches a rewrite within the file system's time granularity.
 */
public record FileStamp(FileTime modified, long size) {

    public static FileStamp of(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileStamp(attributes.lastModifiedTime(), attributes.size());
    }
}
