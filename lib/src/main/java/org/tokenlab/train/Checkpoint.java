package org.tokenlab.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.HashSet;
import java.util.Set;
import org.tokenlab.Resumable;
import org.tokenlab.TrainingState;
import org.tokenlab.internal.Autograd;
import org.tokenlab.internal.AtomicFiles;
import org.tokenlab.internal.Checks;
import org.tokenlab.internal.RecordText;
import org.tokenlab.internal.Scalars;

/**
 * Checkpoints: a model's every named tensor, the configuration that built it, and (for a training
 * run) the training state that lets the run resume exactly, in one file.
 *
 * <p>Version 2 layout: the magic line {@code TOKENLAB-CHECKPOINT 2}, the configuration as UTF-8
 * {@code key=value} lines, an empty line, then the entries of a {@link TrainingState} (big-endian,
 * {@link DataOutputStream}): their count, then per entry its name, a type tag and the value (numbers,
 * flags, Java arrays, or an NDArray in DJL's own encoding). A model's parameters are stored as
 * {@code <part>.parameters.<parameter name>} and the state of its {@link Resumable} blocks as
 * {@code <part>.state.<block path>.<entry>}; a trainer adds its optimizers and counters (see
 * {@link GanTrainer#save}, {@link StepTrainer#save}). Files are written to a temporary name in the
 * same folder and renamed into place, so a crash never leaves half a checkpoint under the real name.
 *
 * <p>Version 1 files (configuration, then DJL's parameter stream) still load into a model with
 * {@link #load(Path, Block, Map, NDManager)}; they hold no training state, so a run cannot resume
 * from one. To convert one, load it and {@link #save} it again.
 *
 * <p>Loading checks everything before it changes anything: a configuration that differs, a parameter
 * the file lacks, a tensor of another shape and a tensor nothing uses are each named in one message.
 * A {@link Remap} on load maps stored tensors to the model's parameters when the two differ on
 * purpose (renamed blocks, a 2D kernel inflated into a 3D one).
 *
 * <pre>{@code
 * jshell> Checkpoint.save(Path.of("vqgan.ckpt"), tokenizer, tokenizer.configuration());
 * jshell> Checkpoint.load(Path.of("vqgan.ckpt"), tokenizer, tokenizer.configuration(), manager);
 * }</pre>
 */
public final class Checkpoint {

    static final String MAGIC_V1 = "TOKENLAB-CHECKPOINT 1";
    static final String MAGIC = "TOKENLAB-CHECKPOINT 2";
    /** The version {@link #save} writes. */
    public static final int VERSION = 2;

    /** Where a model's parameters sit in a checkpoint written by {@link #save}. */
    public static final String MODEL = "model";

    /**
     * Maps a model's parameters to the tensors of a checkpoint, for loading into a model that differs
     * from the saved one on purpose.
     */
    @FunctionalInterface
    public interface Remap {

        /** Loads each parameter from the stored tensor of the same name, as it is. */
        Remap IDENTITY = (name, expected, stored) -> stored.get(name);

        /**
         * The tensor to load into the parameter {@code name} of shape {@code expected}, made from
         * {@code stored} (the checkpoint's tensors by parameter name, owned by the loader: create new
         * arrays on their managers, do not close them), or null when the checkpoint has none for it.
         */
        NDArray tensorFor(String name, Shape expected, Map<String, NDArray> stored);
    }

    /** What a checkpoint file holds. */
    public record Contents(int version, Map<String, String> config, TrainingState state) {}

    private Checkpoint() {}

    /** The components of a configuration record as {@code name -> String.valueOf(value)}, in declaration order. */
    public static Map<String, String> describe(Record config) {
        Checks.notNull(config, "config");
        Map<String, String> out = new LinkedHashMap<>();
        out.put("type", config.getClass().getSimpleName());
        out.putAll(RecordText.components(config));
        return out;
    }

    /**
     * Saves {@code block}'s parameters and the state of its {@link Resumable} blocks with
     * {@code config} to {@code file}, atomically.
     */
    public static void save(Path file, Block block, Map<String, String> config) throws IOException {
        Checks.notNull(block, "block");
        try (NDManager scope = NDManager.newBaseManager()) {
            TrainingState state = TrainingState.empty();
            putModel(state.child(MODEL), block, scope);
            write(file, config, state);
        }
    }

    /**
     * Writes {@code config} and every entry of {@code state} to {@code file} (version 2), atomically.
     * The state's arrays are read, not closed.
     */
    public static void write(Path file, Map<String, String> config, TrainingState state) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(config, "config");
        Checks.notNull(state, "state");
        AtomicFiles.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            out.write(header(MAGIC, config).getBytes(StandardCharsets.UTF_8));
            Map<String, Object> entries = state.entries();
            out.writeInt(entries.size());
            for (Map.Entry<String, Object> e : entries.entrySet()) {
                out.writeUTF(e.getKey());
                writeValue(out, e.getValue());
            }
            out.flush();
        });
    }

    /** The configuration stored in {@code file} (version 1 or 2), without reading the tensors. */
    public static Map<String, String> readConfig(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(requireFile(file)))) {
            return readHeader(in, file).config();
        }
    }

    /**
     * Everything a version 2 file holds; its arrays belong to {@code manager}.
     *
     * @throws IllegalArgumentException for a file that is not a checkpoint, or a version 1 file (which
     *     holds a DJL parameter stream that only a model can read: {@link #load(Path, Block, Map, NDManager)})
     */
    public static Contents read(Path file, NDManager manager) throws IOException {
        Checks.notNull(manager, "manager");
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(requireFile(file)));
                DataInputStream in = new DataInputStream(raw)) {
            Header header = readHeader(in, file);
            Checks.require(header.version() == VERSION, "checkpoint %s is version %d, which holds no training state "
                    + "and whose tensors only a model can read; load it with Checkpoint.load(file, model, config, manager) "
                    + "and save it again with Checkpoint.save to convert it to version %d", file, header.version(), VERSION);
            TrainingState state = TrainingState.empty();
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                state.putEntry(name, readValue(in, manager, file, name));
            }
            return new Contents(header.version(), header.config(), state);
        }
    }

    /**
     * Loads a checkpoint into {@code block} (initialized, with the same shapes) after checking that the
     * stored configuration equals {@code expected}: parameters, and for version 2 files the state of
     * the block's {@link Resumable} parts.
     *
     * @throws IllegalArgumentException when the file is not a checkpoint, a setting differs, or the
     *     tensors do not fit the model (each mismatch named); the model is unchanged then
     */
    public static void load(Path file, Block block, Map<String, String> expected, NDManager manager) throws IOException {
        Checks.notNull(block, "block");
        Checks.notNull(expected, "expected");
        requireConfiguration(file, expected, "model", "checkpoint %s was saved for another configuration (%s); "
                + "build the model with the checkpoint's settings (Checkpoint.readConfig shows them) or train a new one");
        if (readHeader(file).version() == 1) {
            loadVersion1(file, block, manager);
            return;
        }
        try (NDManager scope = manager.newSubManager()) {
            takeModel(read(file, scope).state().child(MODEL), block, Remap.IDENTITY, file.toString());
        }
    }

    /**
     * Loads a version 2 checkpoint into {@code block} through {@code remap}, without comparing
     * configurations (the caller knows the two differ, e.g. a 2D tokenizer inflated into a 3D one);
     * returns the stored configuration. Stored tensors the remap never asks for are ignored, and
     * Resumable state is not loaded (it belongs to the other model).
     *
     * @throws IllegalArgumentException when a parameter gets no tensor or one of another shape (each named)
     */
    public static Map<String, String> load(Path file, Block block, NDManager manager, Remap remap) throws IOException {
        Checks.notNull(block, "block");
        Checks.notNull(remap, "remap");
        try (NDManager scope = manager.newSubManager()) {
            Contents contents = read(file, scope);
            setParameters(contents.state().child(MODEL).child("parameters"), block, remap, file.toString(), false);
            return contents.config();
        }
    }

    /**
     * Puts copies of {@code block}'s parameters (under {@code parameters.}) and its Resumable blocks'
     * state (under {@code state.}) into {@code state}; the copies belong to {@code manager}.
     */
    public static void putModel(TrainingState state, Block block, NDManager manager) {
        Checks.require(block.isInitialized(), "cannot save a block that is not initialized; initialize it (or train it) first");
        TrainingState parameters = state.child("parameters");
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray copy = p.getValue().getArray().duplicate();
            copy.attach(manager);
            parameters.putArray(p.getKey(), copy);
        }
        walk(block, state.child("state"), Resumable::saveState);
    }

    /**
     * Sets {@code block}'s parameters from {@code state} (written by {@link #putModel}) through
     * {@code remap} and gives its Resumable blocks their state; {@code source} names the origin in messages.
     */
    public static void takeModel(TrainingState state, Block block, Remap remap, String source) {
        setParameters(state.child("parameters"), block, remap, source, remap == Remap.IDENTITY);
        TrainingState resumable = state.child("state");
        walk(block, resumable, Resumable::loadState);
    }

    private static void setParameters(TrainingState parameters, Block block, Remap remap, String source,
            boolean strictExtras) {
        Checks.require(block.isInitialized(), "cannot load into a block that is not initialized; "
                + "initialize it with its input shapes first");
        Map<String, NDArray> stored = new LinkedHashMap<>();
        for (String name : parameters.names()) {
            stored.put(name, parameters.getArray(name));
        }
        Set<String> used = new HashSet<>();
        Map<String, NDArray> watched = new java.util.AbstractMap<>() {
            @Override
            public NDArray get(Object key) {
                used.add(String.valueOf(key));
                return stored.get(key);
            }

            @Override
            public Set<Entry<String, NDArray>> entrySet() {
                return java.util.Collections.unmodifiableMap(stored).entrySet();
            }
        };
        List<String> problems = new ArrayList<>();
        Map<Parameter, NDArray> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            Shape expected = p.getValue().getArray().getShape();
            NDArray value = remap.tensorFor(p.getKey(), expected, watched);
            if (value == null) {
                problems.add("'" + p.getKey() + "' " + Checks.describe(expected) + " is missing");
            } else if (!value.getShape().equals(expected)) {
                problems.add("'" + p.getKey() + "' has shape " + Checks.describe(value.getShape()) + " in the checkpoint, "
                        + Checks.describe(expected) + " in the model");
            } else {
                values.put(p.getValue(), value);
            }
        }
        if (strictExtras) {
            stored.keySet().stream().filter(k -> !used.contains(k))
                    .forEach(k -> problems.add("'" + k + "' is in the checkpoint but not in the model"));
        }
        Checks.require(problems.isEmpty(), "checkpoint %s does not fit this model: %s; build the model with the "
                + "checkpoint's configuration, or pass a Remap that says where each parameter comes from",
                source, String.join("; ", problems));
        try (Autograd.Paused paused = Autograd.pause()) {
            for (Map.Entry<Parameter, NDArray> e : values.entrySet()) {
                NDArray target = e.getKey().getArray();
                NDArray view = target.stopGradient(); // shares the storage
                try {
                    view.set(new NDIndex("..."), e.getValue().toType(target.getDataType(), false));
                } finally {
                    view.close();
                }
            }
        }
    }

    /** Calls {@code action} on every Resumable block in {@code block}'s tree with its own view of {@code state}. */
    private static void walk(Block block, TrainingState state, java.util.function.BiConsumer<Resumable, TrainingState> action) {
        if (block instanceof Resumable r) {
            action.accept(r, state.child("self"));
        }
        for (Pair<String, Block> child : block.getChildren()) {
            walk(child.getValue(), state.child(child.getKey()), action);
        }
    }

    private static void loadVersion1(Path file, Block block, NDManager manager) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(requireFile(file)));
                DataInputStream in = new DataInputStream(raw)) {
            readHeader(in, file);
            try {
                block.loadParameters(manager, in);
            } catch (MalformedModelException e) {
                throw new IllegalArgumentException("checkpoint " + file + " has parameters that do not fit this model: "
                        + e.getMessage() + "; build the model with the checkpoint's configuration", e);
            }
        }
    }

    private static void writeValue(DataOutputStream out, Object value) throws IOException {
        if (value instanceof Long v) {
            out.writeByte('J');
            out.writeLong(v);
        } else if (value instanceof Double v) {
            out.writeByte('D');
            out.writeDouble(v);
        } else if (value instanceof Boolean v) {
            out.writeByte('Z');
            out.writeBoolean(v);
        } else if (value instanceof double[] v) {
            out.writeByte('d');
            out.writeInt(v.length);
            for (double x : v) {
                out.writeDouble(x);
            }
        } else if (value instanceof long[] v) {
            out.writeByte('j');
            out.writeInt(v.length);
            for (long x : v) {
                out.writeLong(x);
            }
        } else if (value instanceof NDArray v) {
            byte[] bytes = v.encode();
            out.writeByte('T');
            out.writeInt(bytes.length);
            out.write(bytes);
        } else {
            throw new IllegalArgumentException("cannot store a " + value.getClass().getName() + " in a checkpoint");
        }
    }

    private static Object readValue(DataInputStream in, NDManager manager, Path file, String name) throws IOException {
        int tag = in.readUnsignedByte();
        switch (tag) {
            case 'J':
                return in.readLong();
            case 'D':
                return in.readDouble();
            case 'Z':
                return in.readBoolean();
            case 'd': {
                double[] v = new double[in.readInt()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = in.readDouble();
                }
                return v;
            }
            case 'j': {
                long[] v = new long[in.readInt()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = in.readLong();
                }
                return v;
            }
            case 'T': {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                // engine-owned: a decoded array is a view of a Java buffer, freed once the array is closed,
                // and whoever keeps what a checkpoint held (an optimizer's moments) must not see that memory
                return Scalars.owned(manager.decode(bytes));
            }
            default:
                throw new IllegalArgumentException("checkpoint " + file + " is damaged: entry '" + name
                        + "' has an unknown type tag " + tag);
        }
    }

    private record Header(int version, Map<String, String> config) {}

    private static Header readHeader(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(requireFile(file)))) {
            return readHeader(in, file);
        }
    }

    private static Path requireFile(Path file) {
        Checks.notNull(file, "file");
        Checks.require(Files.isRegularFile(file), "no checkpoint at %s", file.toAbsolutePath());
        return file;
    }

    private static String header(String magic, Map<String, String> config) {
        StringBuilder sb = new StringBuilder(magic).append('\n');
        for (Map.Entry<String, String> e : config.entrySet()) {
            Checks.require(!e.getKey().contains("=") && !e.getKey().contains("\n") && !e.getValue().contains("\n"),
                    "configuration keys may not contain '=' or newlines and values no newlines: %s", e);
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return sb.append('\n').toString();
    }

    private static Header readHeader(InputStream in, Path file) throws IOException {
        String magic = readLine(in);
        Checks.require(MAGIC.equals(magic) || MAGIC_V1.equals(magic), "%s is not a TokenLab checkpoint "
                + "(its first line is not '%s')", file, MAGIC);
        Map<String, String> config = new LinkedHashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int eq = line.indexOf('=');
            Checks.require(eq > 0, "checkpoint %s has a malformed configuration line '%s'", file, line);
            config.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return new Header(MAGIC.equals(magic) ? VERSION : 1, config);
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

    /**
     * Refuses {@code file} unless its configuration equals {@code expected}: {@code message} gets the
     * file and the differences, each as {@code key: checkpoint has X, <holder> has Y}.
     */
    static void requireConfiguration(Path file, Map<String, String> expected, String holder, String message)
            throws IOException {
        Map<String, String> stored = readConfig(file);
        List<String> differences = new ArrayList<>();
        for (String key : union(stored, expected)) {
            String a = stored.get(key);
            String b = expected.get(key);
            if (a == null ? b != null : !a.equals(b)) {
                differences.add(key + ": checkpoint has " + (a == null ? "nothing" : a) + ", " + holder + " has "
                        + (b == null ? "nothing" : b));
            }
        }
        Checks.require(differences.isEmpty(), message, file, String.join("; ", differences));
    }

    private static List<String> union(Map<String, String> a, Map<String, String> b) {
        List<String> keys = new ArrayList<>(a.keySet());
        b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(keys::add);
        return keys;
    }
}
