package org.tokenlab.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tokenlab.internal.Checks;

/**
 * A block's parameters saved together with the configuration that built it, so a checkpoint cannot
 * be loaded into a model of another shape or setting without saying which settings differ.
 *
 * <p>File layout: the magic line {@code TOKENLAB-CHECKPOINT 1}, the configuration as UTF-8
 * {@code key=value} lines, an empty line, then DJL's parameter stream. Files are written to a
 * temporary name in the same folder and renamed into place, so a crash never leaves half a checkpoint
 * under the real name.
 *
 * <pre>{@code
 * jshell> Checkpoint.save(Path.of("vqgan.ckpt"), tokenizer, Checkpoint.describe(config));
 * jshell> Checkpoint.load(Path.of("vqgan.ckpt"), tokenizer, Checkpoint.describe(config), manager);
 * }</pre>
 */
public final class Checkpoint {

    static final String MAGIC = "TOKENLAB-CHECKPOINT 1";

    private Checkpoint() {}

    /** The components of a configuration record as {@code name -> String.valueOf(value)}, in declaration order. */
    public static Map<String, String> describe(Record config) {
        Checks.notNull(config, "config");
        Map<String, String> out = new LinkedHashMap<>();
        out.put("type", config.getClass().getSimpleName());
        for (RecordComponent c : config.getClass().getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(config);
                out.put(c.getName(), v instanceof int[] ? java.util.Arrays.toString((int[]) v) : String.valueOf(v));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + config, e);
            }
        }
        return out;
    }

    /** Saves {@code block}'s parameters with {@code config} to {@code file}, atomically. */
    public static void save(Path file, Block block, Map<String, String> config) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(block, "block");
        Checks.notNull(config, "config");
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp));
                    DataOutputStream out = new DataOutputStream(raw)) {
                out.write(header(config).getBytes(StandardCharsets.UTF_8));
                block.saveParameters(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The configuration stored in {@code file}, without loading parameters. */
    public static Map<String, String> readConfig(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(requireFile(file)))) {
            return readHeader(in, file);
        }
    }

    /**
     * Loads parameters saved by {@link #save} into {@code block} (already initialized with the same
     * shapes) after checking that the stored configuration equals {@code expected}.
     *
     * @throws IllegalArgumentException when the file is not a checkpoint or a setting differs
     */
    public static void load(Path file, Block block, Map<String, String> expected, NDManager manager) throws IOException {
        Checks.notNull(block, "block");
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(requireFile(file)));
                DataInputStream in = new DataInputStream(raw)) {
            Map<String, String> stored = readHeader(in, file);
            List<String> differences = new ArrayList<>();
            for (String key : union(stored, expected)) {
                String a = stored.get(key);
                String b = expected.get(key);
                if (a == null ? b != null : !a.equals(b)) {
                    differences.add(key + ": checkpoint has " + (a == null ? "nothing" : a) + ", model has " + (b == null ? "nothing" : b));
                }
            }
            Checks.require(differences.isEmpty(), "checkpoint %s was saved for another configuration (%s); "
                    + "build the model with the checkpoint's settings (Checkpoint.readConfig shows them) or train a new one",
                    file, String.join("; ", differences));
            try {
                block.loadParameters(manager, in);
            } catch (MalformedModelException e) {
                throw new IllegalArgumentException("checkpoint " + file + " has parameters that do not fit this model: "
                        + e.getMessage(), e);
            }
        }
    }

    private static Path requireFile(Path file) {
        Checks.notNull(file, "file");
        Checks.require(Files.isRegularFile(file), "no checkpoint at %s", file.toAbsolutePath());
        return file;
    }

    private static String header(Map<String, String> config) {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        for (Map.Entry<String, String> e : config.entrySet()) {
            Checks.require(!e.getKey().contains("=") && !e.getKey().contains("\n") && !e.getValue().contains("\n"),
                    "configuration keys may not contain '=' or newlines and values no newlines: %s", e);
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return sb.append('\n').toString();
    }

    private static Map<String, String> readHeader(InputStream in, Path file) throws IOException {
        String magic = readLine(in);
        Checks.require(MAGIC.equals(magic), "%s is not a TokenLab checkpoint (its first line is not '%s')", file, MAGIC);
        Map<String, String> config = new LinkedHashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int eq = line.indexOf('=');
            Checks.require(eq > 0, "checkpoint %s has a malformed configuration line '%s'", file, line);
            config.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return config;
    }

    /** One UTF-8 line without its newline; null at the end of the stream. Reads byte by byte: the rest is binary. */
    private static String readLine(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        return b == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    private static List<String> union(Map<String, String> a, Map<String, String> b) {
        List<String> keys = new ArrayList<>(a.keySet());
        b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(keys::add);
        return keys;
    }
}
