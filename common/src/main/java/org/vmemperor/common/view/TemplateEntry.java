package org.vmemperor.common.view;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One template as /tmpllist and /poollist's {@code templates_enabled} show it.
 *
 * @param hvm whether the template boots hardware-virtualised (an HVM boot policy is set)
 * @param osKind ubuntu, debian or centos when the template supports an unattended install; absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TemplateEntry(
        @JsonProperty("hvm") boolean hvm,
        @JsonProperty("name_label") String nameLabel,
        @JsonProperty("os_kind") String osKind,
        @JsonProperty("ref") String ref,
        @JsonProperty("uuid") String uuid) {
}
