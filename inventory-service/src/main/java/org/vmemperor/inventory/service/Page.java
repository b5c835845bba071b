package org.vmemperor.inventory.service;

import java.util.List;

import org.vmemperor.common.error.ApiException;
import org.vmemperor.common.rest.Args;

/**
 * Which slice of a list to answer, as the original offered it: {@code page} counts from 1 and {@code page_size} defaults
 * to 10. Without {@code page} (or with {@code page} 0 or less, as the original treated it) the whole list.
 *
 * @param page 1-based page number; 0 for everything
 * @param size entries per page
 */
public record Page(long page, long size) {

    public static final long DEFAULT_SIZE = 10;

    /** Everything, unpaged. */
    public static final Page ALL = new Page(0, DEFAULT_SIZE);

    /** Reads {@code page} and {@code page_size}; 400 for non-integers or a page size below 1. */
    public static Page of(Args args) {
        long page = args.optionalInteger("page").orElse(0L);
        long size = args.optionalInteger("page_size").orElse(DEFAULT_SIZE);
        if (size < 1) {
            throw ApiException.badRequest("argument 'page_size' must be at least 1");
        }
        return new Page(Math.max(0, page), size);
    }

    public boolean all() {
        return page <= 0;
    }

    /**
     * The slice of {@code items} this page covers (empty past the end). Any page and size a client can send are valid
     * longs, so the arithmetic must not overflow: an offset beyond a long is past the end too.
     */
    public <T> List<T> slice(List<T> items) {
        if (all()) {
            return items;
        }
        long from;
        try {
            from = Math.multiplyExact(page - 1, size);
        } catch (ArithmeticException e) {
            return List.of();
        }
        if (from >= items.size()) {
            return List.of();
        }
        return items.subList((int) from, (int) Math.min(items.size(), from + Math.min(size, items.size())));
    }
}
