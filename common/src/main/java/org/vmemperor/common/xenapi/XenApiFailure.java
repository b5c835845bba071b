package org.vmemperor.common.xenapi;

import java.util.List;

/** The pool refused a call: {@code errorDescription} is XenAPI's {@code [CODE, param, ...]}. */
public class XenApiFailure extends RuntimeException {

    private final List<String> errorDescription;

    public XenApiFailure(List<String> errorDescription) {
        super(String.join(" ", errorDescription), null, false, false);
        this.errorDescription = List.copyOf(errorDescription);
    }

    public List<String> errorDescription() {
        return errorDescription;
    }

    public String code() {
        return errorDescription.isEmpty() ? "" : errorDescription.get(0);
    }
}
