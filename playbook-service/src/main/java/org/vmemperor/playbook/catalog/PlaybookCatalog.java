package org.vmemperor.playbook.catalog;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.vmemperor.playbook.config.PlaybookConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.quarkus.logging.Log;

/**
 * The playbook directory, read as it is now: every call looks at the folders again, so playbooks added, changed or
 * removed show without a restart. A folder's files are parsed again only when one of them changed (size or time), and
 * a malformed {@code vmemperor.conf} is logged once per change and skipped, never fatal.
 */
@ApplicationScoped
public class PlaybookCatalog {

    public static final String CONF = "vmemperor.conf";
    /** Ids name folders, task log folders and working directories: nothing that could climb out of them. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final YAMLMapper YAML = new YAMLMapper();

    private final Path dir;
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    public PlaybookCatalog(PlaybookConfig config) {
        this.dir = config.dir().toAbsolutePath().normalize();
    }

    /** Every valid playbook, by id. */
    public List<Playbook> all() {
        List<Playbook> result = new ArrayList<>();
        for (Path folder : folders()) {
            load(folder).ifPresent(result::add);
        }
        result.sort(Comparator.comparing(Playbook::id));
        return result;
    }

    public Optional<Playbook> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Path folder = dir.resolve(id);
        return Files.isRegularFile(folder.resolve(CONF)) ? load(folder) : Optional.empty();
    }

    public Path dir() {
        return dir;
    }

    private List<Path> folders() {
        List<Path> folders = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return folders;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(".") && Files.isRegularFile(entry.resolve(CONF))) {
                    if (ID.matcher(name).matches()) {
                        folders.add(entry);
                    } else if (parsed.putIfAbsent(name, Parsed.SKIPPED) == null) {
                        Log.warnf("Playbook folder '%s' skipped: ids are letters, digits, '.', '_' and '-'", name);
                    }
                }
            }
        } catch (IOException e) {
            Log.warnf("Cannot read the playbook directory %s: %s", dir, e.toString());
        }
        return folders;
    }

    private Optional<Playbook> load(Path folder) {
        String id = folder.getFileName().toString();
        String stamp = fingerprint(folder);
        Parsed known = parsed.get(id);
        if (known != null && known.stamp().equals(stamp)) {
            return known.playbook();
        }
        Optional<Playbook> playbook;
        try {
            playbook = Optional.of(parse(id, folder));
        } catch (IOException | RuntimeException e) {
            Log.warnf("Playbook '%s' skipped: %s/%s is not valid: %s", id, folder, CONF, e.getMessage());
            playbook = Optional.empty();
        }
        parsed.put(id, new Parsed(stamp, playbook));
        return playbook;
    }

    /** Sizes and times of every file a playbook's listing depends on. */
    private static String fingerprint(Path folder) {
        StringBuilder stamp = new StringBuilder();
        for (Path file : List.of(folder.resolve(CONF), folder.resolve("group_vars"), folder.resolve("host_vars"))) {
            if (!Files.exists(file)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(file, 2)) {
                files.sorted().forEach(f -> {
                    try {
                        stamp.append(f).append(':').append(Files.size(f)).append(':')
                                .append(Files.getLastModifiedTime(f).toMillis()).append(';');
                    } catch (IOException e) {
                        stamp.append(f).append(":?;");
                    }
                });
            } catch (IOException e) {
                stamp.append(file).append(":?;");
            }
        }
        return stamp.toString();
    }

    static Playbook parse(String id, Path folder) throws IOException {
        JsonNode conf = YAML.readTree(folder.resolve(CONF).toFile());
        if (conf == null || !conf.isObject()) {
            throw new IllegalArgumentException("not a YAML mapping");
        }
        String name = requiredText(conf, "name");
        String description = requiredText(conf, "description");
        String playbookFile = requiredText(conf, "playbook");
        inside(folder, playbookFile, "playbook");
        JsonNode requires = conf.get("requires");
        if (requires != null && !requires.isNull() && !requires.isObject()) {
            throw new IllegalArgumentException("'requires' must be a mapping");
        }
        Optional<String> inventory = optionalText(conf, "inventory");
        if (inventory.isPresent()) {
            inside(folder, inventory.get(), "inventory");
        }
        JsonNode single = conf.get("single");
        if (single != null && !single.isNull() && !single.isBoolean()) {
            throw new IllegalArgumentException("'single' must be true or false");
        }
        Map<String, JsonNode> defaults = new LinkedHashMap<>();
        defaults.putAll(varsOf(folder.resolve("group_vars").resolve("all")));
        defaults.putAll(varsOf(folder.resolve("host_vars").resolve("all")));
        Map<String, PlaybookVariable> variables = new LinkedHashMap<>();
        JsonNode declared = conf.get("variables");
        if (declared != null && !declared.isNull()) {
            if (!declared.isObject()) {
                throw new IllegalArgumentException("'variables' must be a mapping");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = declared.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> entry = it.next();
                variables.put(entry.getKey(), variable(entry.getKey(), entry.getValue(), defaults));
            }
        }
        return new Playbook(id, name, description, requires == null || requires.isNull() ? null : requires,
                Collections.unmodifiableMap(variables),
                inventory, single != null && single.booleanValue(), playbookFile, folder);
    }

    private static PlaybookVariable variable(String name, JsonNode spec, Map<String, JsonNode> defaults) {
        if (spec == null || !spec.isObject()) {
            throw new IllegalArgumentException("variable '" + name + "' must be a mapping");
        }
        String typeName = optionalText(spec, "type").orElse("str");
        PlaybookVariable.Type type = PlaybookVariable.Type.parse(typeName).orElseThrow(
                () -> new IllegalArgumentException("variable '" + name + "': unknown type '" + typeName + "'"));
        ObjectNode options = null;
        if (type == PlaybookVariable.Type.OPTION) {
            JsonNode given = spec.get("options");
            if (given == null || !given.isObject() || given.isEmpty()) {
                throw new IllegalArgumentException("variable '" + name + "' of type option needs 'options'");
            }
            options = (ObjectNode) given;
        }
        String description = optionalText(spec, "description").orElse(name);
        JsonNode value = spec.get("value");
        if (value == null || value.isNull()) {
            value = defaults.get(name);
        }
        PlaybookVariable variable = new PlaybookVariable(description, type, null, options);
        if (value != null && !value.isNull()) {
            JsonNode fitting = variable.coerce(value).orElseThrow(() -> new IllegalArgumentException(
                    "variable '" + name + "': default must be " + variable.expected()));
            return new PlaybookVariable(description, type, fitting, options);
        }
        return variable;
    }

    /** Variables of group_vars/all or host_vars/all: a YAML file (optionally .yml/.yaml) or a folder of them. */
    private static Map<String, JsonNode> varsOf(Path base) throws IOException {
        Map<String, JsonNode> vars = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        for (String suffix : List.of("", ".yml", ".yaml")) {
            Path candidate = base.resolveSibling(base.getFileName() + suffix);
            if (Files.isRegularFile(candidate)) {
                files.add(candidate);
            }
        }
        if (Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> inside = Files.list(base)) {
                inside.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".yml")
                        || f.toString().endsWith(".yaml")).sorted().forEach(files::add);
            }
        }
        for (Path file : files) {
            JsonNode content = YAML.readTree(file.toFile());
            if (content != null && content.isObject()) {
                content.fields().forEachRemaining(e -> vars.put(e.getKey(), e.getValue()));
            }
        }
        return vars;
    }

    private static void inside(Path folder, String relative, String what) {
        Path resolved = folder.resolve(relative).normalize();
        if (!resolved.startsWith(folder) || !Files.isRegularFile(resolved)) {
            throw new IllegalArgumentException("'" + what + "' must name a file inside the folder: " + relative);
        }
    }

    private static String requiredText(JsonNode conf, String field) {
        return optionalText(conf, field)
                .orElseThrow(() -> new IllegalArgumentException("'" + field + "' is missing or not a string"));
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw new IllegalArgumentException("'" + field + "' must be a non-empty string");
        }
        return Optional.of(value.textValue());
    }

    private record Parsed(String stamp, Optional<Playbook> playbook) {
        static final Parsed SKIPPED = new Parsed("", Optional.empty());
    }
}
