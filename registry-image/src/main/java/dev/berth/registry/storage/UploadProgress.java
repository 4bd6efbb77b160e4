package dev.berth.registry.storage;

/**
 * How far an upload has come: its size, and a version that changes with every append. Two
 * states with the same version hold the same bytes, so a hash computed at one version is the
 * hash of the data as long as the version has not moved (another process may have appended).
 */
public record UploadProgress(long size, String version) {}
