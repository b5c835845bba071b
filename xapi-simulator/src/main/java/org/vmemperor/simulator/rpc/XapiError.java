package org.vmemperor.simulator.rpc;

import java.util.ArrayList;
import java.util.List;

/**
 * A XenAPI failure: the error code and its parameters, exactly as they travel in ErrorDescription.
 */
public final class XapiError extends RuntimeException {
    private final List<String> description;

    public XapiError(String code, String... params) {
        super(code, null, false, false);
        List<String> all = new ArrayList<>();
        all.add(code);
        all.addAll(List.of(params));
        this.description = List.copyOf(all);
    }

    public XapiError(List<String> description) {
        super(description.isEmpty() ? "INTERNAL_ERROR" : description.get(0), null, false, false);
        this.description = List.copyOf(description);
    }

    public String code() {
        return description.get(0);
    }

    public List<String> description() {
        return description;
    }

    public static XapiError handleInvalid(String cls, String ref) {
        return new XapiError("HANDLE_INVALID", cls, ref);
    }

    public static XapiError uuidInvalid(String cls, String uuid) {
        return new XapiError("UUID_INVALID", cls, uuid);
    }

    public static XapiError operationNotAllowed(String reason) {
        return new XapiError("OPERATION_NOT_ALLOWED", reason);
    }
}
