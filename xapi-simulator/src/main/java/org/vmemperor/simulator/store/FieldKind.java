package org.vmemperor.simulator.store;

/** The wire shape of a record field, derived from the SDK's typed default. */
public enum FieldKind {
    STRING,
    LONG,
    DOUBLE,
    BOOLEAN,
    TIME,
    LIST,
    MAP
}
