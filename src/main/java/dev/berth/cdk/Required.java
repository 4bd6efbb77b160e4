package dev.berth.cdk;

/** The one check every construct's {@code Props} record makes when it is built: a required prop was set. */
public final class Required {

    private Required() {
    }

    /**
     * @param props the props class, e.g. {@code "RegistryService.Props"}
     * @param name  the builder method that sets it
     * @return value, never null nor an empty string
     * @throws IllegalStateException naming the missing prop
     */
    public static <T> T prop(T value, String props, String name) {
        if (value == null || value instanceof String s && s.isEmpty()) {
            throw new IllegalStateException(props + ": " + name + " is required; set it with ."
                    + name + "(...) on " + props + ".builder()");
        }
        return value;
    }
}
