package org.vmemperor.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of this module (deploy/) and of the repository, wherever the build runs from. */
final class ModuleFiles {

    private ModuleFiles() {
    }

    /** The deploy/ directory: surefire and failsafe run in the module's base directory. */
    static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        if (Files.isRegularFile(here.resolve("routes.tsv"))) {
            return here;
        }
        Path child = here.resolve("deploy");
        if (Files.isRegularFile(child.resolve("routes.tsv"))) {
            return child;
        }
        throw new IllegalStateException("run from the repository or its deploy/ module: no routes.tsv in " + here);
    }

    static Path path(String relative) {
        return moduleDir().resolve(relative);
    }

    static Path repositoryRoot() {
        return moduleDir().getParent();
    }
}
