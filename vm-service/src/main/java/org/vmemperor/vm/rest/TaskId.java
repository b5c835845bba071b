package org.vmemperor.vm.rest;

/** The spec's answer to an asynchronous operation: {@code {"task": "<id>"}}. */
public record TaskId(String task) {
}
