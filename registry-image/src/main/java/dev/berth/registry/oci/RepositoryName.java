package dev.berth.registry.oci;

import java.util.regex.Pattern;

/** Repository names as the distribution spec defines them: lower-case path components, 255 characters at most. */
public final class RepositoryName {

    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    public static final int MAX_LENGTH = 255;

    private RepositoryName() {}

    public static boolean isValid(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_LENGTH && NAME.matcher(name).matches();
    }
}
