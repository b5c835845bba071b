package org.vmemperor.simulator.rpc;

/**
 * An integer that XML-RPC must encode as {@code <i4>}: xapi does so only for event.from's valid_ref_counts, every
 * other integer travels as untyped decimal text.
 */
public record I4(int value) {
}
