package dev.berth.registry.oci;

import java.util.regex.Pattern;

/** Tags as the distribution spec defines them: up to 128 characters, not starting with '.' or '-'. */
public final class Tag {

    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    private Tag() {}

    public static boolean isValid(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }
}
