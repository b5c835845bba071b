package org.vmemperor.standalone;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.quarkus.runtime.ShutdownEvent;

/**
 * On SIGTERM Quarkus shuts down from its own shutdown hook and never returns to {@link StandaloneMain}'s exit
 * handler, so the simulator's state would not be saved: stop what main started here, after every other shutdown
 * observer (the event feed stops first, so it does not report the pool it is leaving as lost).
 */
@ApplicationScoped
class LocalDependenciesShutdown {

    void onStop(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 1000) ShutdownEvent event) {
        StandaloneMain.dependencies().close();
    }
}
