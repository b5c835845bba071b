package org.vmemperor.playbook.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.playbook.config.PlaybookConfig;

import io.quarkus.logging.Log;

/**
 * Private working directories of runs ({@code <work-dir>/run-<task id>}, mode 0700): the playbook is copied there with
 * the run's inventory, extra-vars and known-hosts files, and the whole directory is removed when the run ends.
 */
@ApplicationScoped
public class Workspaces {

    static final String PREFIX = "run-";
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE = PosixFilePermissions
            .asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Path root;

    public Workspaces(PlaybookConfig config) {
        this.root = config.workDir().toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /**
     * Creates {@code root} (0700) if needed, and refuses one that others could write to or that another user owns (the
     * default lies in the shared temporary directory, where anyone could have created it first).
     */
    public void ensureRoot() {
        try {
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(root.getParent());
                Files.createDirectory(root, PRIVATE);
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(root, LinkOption.NOFOLLOW_LINKS);
            UserPrincipal owner = Files.getOwner(root, LinkOption.NOFOLLOW_LINKS);
            if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                    || permissions.contains(PosixFilePermission.OTHERS_WRITE) || !owner.equals(currentUser())) {
                throw new IllegalStateException("the playbook work directory " + root + " is not private (owner "
                        + owner + ", " + PosixFilePermissions.toString(permissions)
                        + "): runs refused; remove it or set vmemperor.playbooks.work-dir");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
    }

    /** The user this process runs as, as the file system names owners (user.name may be unknown in containers). */
    private static UserPrincipal currentUser() throws IOException {
        Path probe = Files.createTempFile("vmemperor-owner", ".probe");
        try {
            return Files.getOwner(probe);
        } finally {
            Files.delete(probe);
        }
    }

    /** A new private directory for the run, holding a copy of {@code playbookDir}. */
    public Path create(String taskId, Path playbookDir) throws IOException {
        ensureRoot();
        Path workspace = Files.createDirectory(root.resolve(PREFIX + taskId), PRIVATE);
        copy(playbookDir, workspace);
        return workspace;
    }

    /** Removes a workspace and everything in it; failures are logged, never thrown (the next start retries). */
    public void remove(Path workspace) {
        if (workspace == null || !Files.exists(workspace, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            deleteTree(workspace);
        } catch (IOException e) {
            Log.warnf("Cannot remove the run directory %s: %s", workspace, e.toString());
        }
    }

    /**
     * Deletes {@code dir} and everything below it, depth first. Links are deleted, never followed (a link in a
     * playbook must not let a run's clean-up delete what it points to). Throws at the first failure, a missing
     * {@code dir} included; what was deleted before stays deleted.
     */
    public static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path visited, IOException failure) throws IOException {
                Files.delete(visited);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Removes the workspaces of runs that ended without cleaning up (a crash), except those in {@code keep}. */
    public void removeLeftovers(Set<String> keep) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path entry : entries) {
                String taskId = entry.getFileName().toString().substring(PREFIX.length());
                if (!keep.contains(taskId)) {
                    Log.infof("Removing the working directory %s left by an interrupted run", entry);
                    remove(entry);
                }
            }
        } catch (IOException e) {
            Log.warnf("Cannot list %s: %s", root, e.toString());
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(dir).toString());
                if (!Files.exists(target)) {
                    Files.createDirectory(target);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
