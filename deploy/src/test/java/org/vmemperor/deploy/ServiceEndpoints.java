package org.vmemperor.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexReader;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;

/**
 * What each built service really serves, read from the service's own artifact: its Jandex index (JAX-RS
 * {@code @Path} on classes and methods, {@code @WebSocket}, reactive {@code @Route}) and its static resources under
 * {@code META-INF/resources}. A service's artifact is recognised by the {@code quarkus.application.name} of the
 * application.properties beside its index ({@code access-service} -> {@code access}).
 */
final class ServiceEndpoints {

    /** One endpoint: a path (JAX-RS templates such as {@code {token}} kept) and whether it is a WebSocket. */
    record Endpoint(String path, boolean websocket, String declaredBy) {
    }

    private static final DotName PATH = DotName.createSimple("jakarta.ws.rs.Path");
    private static final DotName WEBSOCKET = DotName.createSimple("io.quarkus.websockets.next.WebSocket");
    private static final DotName ROUTE = DotName.createSimple("io.quarkus.vertx.web.Route");
    private static final DotName OBSERVES = DotName.createSimple("jakarta.enterprise.event.Observes");
    private static final DotName ROUTER = DotName.createSimple("io.vertx.ext.web.Router");
    private static final Set<DotName> HTTP_METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
            .stream().map(m -> DotName.createSimple("jakarta.ws.rs." + m)).collect(java.util.stream.Collectors.toSet());

    private ServiceEndpoints() {
    }

    /** Every service found on the class path, by its short name, with its endpoints. */
    static Map<String, List<Endpoint>> load() {
        Map<String, List<Endpoint>> services = new TreeMap<>();
        try {
            for (URL index : Collections.list(
                    ServiceEndpoints.class.getClassLoader().getResources("META-INF/jandex.idx"))) {
                String url = index.toString();
                String root = url.substring(0, url.length() - "META-INF/jandex.idx".length());
                try (Artifact artifact = Artifact.open(root)) {
                    String name = artifact.applicationName();
                    if (name == null || !name.endsWith("-service")) {
                        continue;
                    }
                    String service = name.substring(0, name.length() - "-service".length());
                    List<Endpoint> endpoints = new ArrayList<>();
                    IndexView view;
                    try (InputStream in = index.openStream()) {
                        view = new IndexReader(in).read();
                    }
                    endpoints.addAll(fromIndex(view));
                    for (ClassInfo routerObserver : routerObservers(view)) {
                        endpoints.addAll(RouterRoutes.of(routerObserver.name().toString(),
                                artifact.classFile(routerObserver.name().toString())));
                    }
                    endpoints.addAll(artifact.staticResources());
                    if (services.put(service, endpoints) != null) {
                        throw new IllegalStateException("two artifacts claim " + name);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return services;
    }

    static List<Endpoint> fromIndex(IndexView index) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (AnnotationInstance annotation : index.getAnnotations(PATH)) {
            if (annotation.target().kind() == AnnotationTarget.Kind.CLASS) {
                ClassInfo resource = annotation.target().asClass();
                String base = annotation.value().asString();
                for (MethodInfo method : resource.methods()) {
                    AnnotationInstance methodPath = method.declaredAnnotation(PATH);
                    boolean endpoint = methodPath != null
                            || HTTP_METHODS.stream().anyMatch(method::hasDeclaredAnnotation);
                    if (endpoint) {
                        String path = join(base, methodPath == null ? "" : methodPath.value().asString());
                        endpoints.add(new Endpoint(path, false, resource.name() + "#" + method.name()));
                    }
                }
            }
        }
        for (AnnotationInstance annotation : index.getAnnotations(WEBSOCKET)) {
            endpoints.add(new Endpoint(annotation.value("path").asString(), true, annotation.target().toString()));
        }
        for (AnnotationInstance annotation : index.getAnnotations(ROUTE)) {
            if (annotation.value("path") != null) {
                endpoints.add(new Endpoint(annotation.value("path").asString(), false, annotation.target().toString()));
            } else if (annotation.value("regex") != null) {
                throw new IllegalStateException("a regex @Route cannot be checked against the route table: "
                        + annotation.target());
            }
        }
        return endpoints;
    }

    /** Classes with a method observing the Vert.x Router: they add routes by hand. */
    static List<ClassInfo> routerObservers(IndexView index) {
        List<ClassInfo> classes = new ArrayList<>();
        for (AnnotationInstance observes : index.getAnnotations(OBSERVES)) {
            if (observes.target().kind() == AnnotationTarget.Kind.METHOD_PARAMETER
                    && observes.target().asMethodParameter().type().name().equals(ROUTER)) {
                classes.add(observes.target().asMethodParameter().method().declaringClass());
            }
        }
        return classes;
    }

    static String join(String base, String sub) {
        String path = "/" + base.replaceAll("^/+|/+$", "") + "/" + sub.replaceAll("^/+|/+$", "");
        path = path.replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** A service artifact: a jar or a classes directory. */
    private static final class Artifact implements AutoCloseable {
        private final Path root;
        private final FileSystem fileSystem;

        private Artifact(Path root, FileSystem fileSystem) {
            this.root = root;
            this.fileSystem = fileSystem;
        }

        static Artifact open(String rootUrl) throws IOException {
            try {
                if (rootUrl.startsWith("jar:")) {
                    String jar = rootUrl.substring("jar:".length(), rootUrl.indexOf("!/"));
                    FileSystem fs = FileSystems.newFileSystem(Path.of(new URI(jar)));
                    return new Artifact(fs.getPath("/"), fs);
                }
                return new Artifact(Path.of(new URI(rootUrl)), null);
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }

        String applicationName() throws IOException {
            Path file = root.resolve("application.properties");
            if (!Files.isRegularFile(file)) {
                return null;
            }
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            }
            return properties.getProperty("quarkus.application.name");
        }

        byte[] classFile(String className) throws IOException {
            return Files.readAllBytes(root.resolve(className.replace('.', '/') + ".class"));
        }

        /** Files Quarkus serves as they are: META-INF/resources/x is the route /x. */
        List<Endpoint> staticResources() throws IOException {
            Path resources = root.resolve("META-INF/resources");
            if (!Files.isDirectory(resources)) {
                return List.of();
            }
            try (Stream<Path> files = Files.walk(resources)) {
                return files.filter(Files::isRegularFile)
                        .map(f -> new Endpoint("/" + resources.relativize(f).toString().replace('\\', '/'), false,
                                "META-INF/resources"))
                        .toList();
            }
        }

        @Override
        public void close() throws IOException {
            if (fileSystem != null) {
                fileSystem.close();
            }
        }
    }
}
