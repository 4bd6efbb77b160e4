package dev.berth.registry.content;

import java.util.List;
import java.util.Optional;

/** One page of a sorted listing, and whether more follow (for the {@code Link} header). */
public record Page<T extends Comparable<T>>(List<T> items, boolean hasMore) {

    /** Items strictly after {@code last}, at most {@code limit} of them; {@code limit < 0} means all. */
    public static <T extends Comparable<T>> Page<T> of(List<T> sorted, Optional<T> last, int limit) {
        int start = 0;
        if (last.isPresent()) {
            while (start < sorted.size() && sorted.get(start).compareTo(last.get()) <= 0) {
                start++;
            }
        }
        int end = limit < 0 ? sorted.size() : (int) Math.min(sorted.size(), (long) start + limit);
        return new Page<>(List.copyOf(sorted.subList(start, end)), end < sorted.size());
    }
}
