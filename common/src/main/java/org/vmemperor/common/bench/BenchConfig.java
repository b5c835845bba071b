package org.vmemperor.common.bench;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Switches for the benchmark scripts in bench/ only; everything is off in every real deployment. */
@ConfigMapping(prefix = "vmemperor.bench")
public interface BenchConfig {

    /**
     * Whether {@code POST /_bench/constant} answers: a constant JSON body of the requested size, the framework's own
     * ceiling that bench/run-all.sh compares /vminfo with. Off: the route answers 404 like any unknown path.
     */
    @WithDefault("false")
    boolean constantRoute();
}
