package org.vmemperor.vm.rest;

/** The spec's answer to a synchronous change: {@code {"status": "ok"}}. */
public record StatusOk(String status) {

    public static final StatusOk OK = new StatusOk("ok");
}
