package org.tokenlab.tutorial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tokenlab.internal.AtomicFiles;
import org.tokenlab.internal.Checks;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * One run of a tutorial notebook: its name, its {@link TutorialSize}, the folder its trained models
 * are kept in, and the numbers it measured with their {@link Target}s.
 *
 * <p>Checkpoints go to {@code build/checkpoints/<notebook>/<size>/} under the project's home (the
 * folder holding {@code ./tokenlab}: {@value #HOME_VARIABLE}, which the kernel sets, or the nearest
 * such folder above the working directory). A notebook trains when its {@code retrain} switch is on,
 * a checkpoint is missing, or a checkpoint is older than an earlier notebook's model it was trained
 * from ({@link #reuse(boolean, List, String...)}), and loads otherwise, so a second run skips the wait,
 * later tutorials can start from earlier ones' models, and retraining one notebook retrains the ones
 * built on it when they run next.
 *
 * <p>{@link #finish} writes the results to {@code build/notebooks/results/<notebook>.<size>.tsv};
 * {@code ./tokenlab tutorials} collects these into {@code build/notebooks/results.md} and fails when a
 * target is missed. At {@link TutorialSize#SMOKE} size targets are shown but not checked.
 *
 * <pre>{@code
 * jshell> Tutorial tutorial = Tutorial.of("02-vqgan");            // size from TutorialSize.current()
 * jshell> boolean retrain = false;                              // the notebook's visible switch
 * jshell> boolean train = !tutorial.reuse(retrain, "tokenizer.ckpt");
 * jshell> double psnr = 24.7;                                   // measured by the notebook
 * jshell> tutorial.measure("held-out PSNR (dB)", psnr, Target.atLeast(20));
 * jshell> tutorial.finish()                                     // the table of results, also saved
 * }</pre>
 */
public final class Tutorial {

    /** The environment variable naming the project's home (the folder holding {@code ./tokenlab}). */
    public static final String HOME_VARIABLE = "TOKENLAB_HOME";

    /** One measured number, with its target or none. */
    public record Result(String name, double value, Target target) {

        /** Whether the value meets the target; true when there is no target. */
        public boolean met() {
            return target == null || target.isMetBy(value);
        }
    }

    private final String name;
    private final TutorialSize size;
    private final Path home;
    private final long startNanos = System.nanoTime();
    private final Map<String, Result> results = new LinkedHashMap<>();

    private Tutorial(String name, TutorialSize size, Path home) {
        this.name = name;
        this.size = size;
        this.home = home;
    }

    /** The tutorial {@code name} (e.g. {@code "02-vqgan"}) at {@link TutorialSize#current()}. */
    public static Tutorial of(String name) {
        return of(name, TutorialSize.current());
    }

    /** The tutorial {@code name} at {@code size}, under the project's home. */
    public static Tutorial of(String name, TutorialSize size) {
        return of(name, size, defaultHome());
    }

    /** The tutorial {@code name} at {@code size}, with {@code home} as the project's folder. */
    public static Tutorial of(String name, TutorialSize size, Path home) {
        Checks.notNull(name, "name");
        Checks.require(name.matches("[A-Za-z0-9][A-Za-z0-9._-]*"),
                "a tutorial's name is a file name such as \"02-vqgan\" (letters, digits, '.', '_', '-'), got \"%s\"", name);
        return new Tutorial(name, Checks.notNull(size, "size"), Checks.notNull(home, "home").toAbsolutePath());
    }

    /**
     * The project's home: {@value #HOME_VARIABLE} when set, else the nearest folder at or above the
     * working directory that holds {@code tokenlab} and {@code notebooks/}, else the working directory.
     */
    public static Path defaultHome() {
        String set = System.getenv(HOME_VARIABLE);
        if (set != null && !set.isBlank()) {
            return Path.of(set).toAbsolutePath();
        }
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("tokenlab")) && Files.isDirectory(p.resolve("notebooks"))) {
                return p;
            }
        }
        return cwd;
    }

    public String name() {
        return name;
    }

    public TutorialSize size() {
        return size;
    }

    /** {@code build/checkpoints/<notebook>/<size>/} under the home, created if missing. */
    public Path checkpoints() {
        Path dir = home.resolve("build").resolve("checkpoints").resolve(name).resolve(size.toString());
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the checkpoint folder " + dir, e);
        }
    }

    /** The file {@code file} (a plain name such as {@code "tokenizer.ckpt"}) in {@link #checkpoints()}. */
    public Path checkpoint(String file) {
        Checks.notNull(file, "file");
        Checks.require(!file.isBlank() && !file.contains("/") && !file.contains("\\") && !file.startsWith("."),
                "a checkpoint is named by a plain file name such as \"tokenizer.ckpt\", got \"%s\"", file);
        return checkpoints().resolve(file);
    }

    /**
     * Whether to load instead of train: true when {@code retrain} is off and every one of
     * {@code files} exists in {@link #checkpoints()}.
     */
    public boolean reuse(boolean retrain, String... files) {
        Checks.require(files.length > 0, "reuse needs the names of the checkpoint files to look for");
        if (retrain) {
            return false;
        }
        for (String file : files) {
            if (!Files.isRegularFile(checkpoint(file))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Like {@link #reuse(boolean, String...)}, and also false when one of {@code inputs} (another
     * notebook's checkpoint this one trained from, such as 03's tokenizer for 04's transformer) was
     * written after one of {@code files}: a model trained on an older input is stale, so the notebook
     * trains again and says why. An input that is missing makes no decision here; the notebook
     * reports it where it loads it.
     */
    public boolean reuse(boolean retrain, List<Path> inputs, String... files) {
        Checks.notNull(inputs, "inputs");
        if (!reuse(retrain, files)) {
            return false;
        }
        try {
            for (Path input : inputs) {
                Checks.notNull(input, "an input");
                if (!Files.isRegularFile(input)) {
                    continue;
                }
                FileTime written = Files.getLastModifiedTime(input);
                for (String file : files) {
                    Path saved = checkpoint(file);
                    if (written.compareTo(Files.getLastModifiedTime(saved)) > 0) {
                        System.out.println(input + " is newer than " + saved + ": training again");
                        return false;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the modification times of " + inputs + " and " + List.of(files), e);
        }
        return true;
    }

    /** Records a measured number without a target (shown in the results, never a miss); returns it. */
    public double measure(String what, double value) {
        return record(what, value, null);
    }

    /** Records a measured number and the target it must meet at cpu and gpu size; returns it. */
    public double measure(String what, double value, Target target) {
        return record(what, value, Checks.notNull(target, "target"));
    }

    private double record(String what, double value, Target target) {
        Checks.notNull(what, "what");
        Checks.require(!what.isBlank() && !what.contains("\t") && !what.contains("\n") && !what.contains("|"),
                "a result's name is one line without tabs or '|', e.g. \"held-out PSNR (dB)\", got \"%s\"", what);
        results.put(what, new Result(what, value, target));
        return value;
    }

    /** Every result recorded so far, in order. */
    public List<Result> results() {
        return new ArrayList<>(results.values());
    }

    /** Whether every target is met; always true at {@link TutorialSize#SMOKE} size, where none is checked. */
    public boolean targetsMet() {
        return !size.checksTargets() || results.values().stream().allMatch(Result::met);
    }

    /** Minutes since this tutorial object was made (the notebook's first cells). */
    public double minutes() {
        return (System.nanoTime() - startNanos) / 60e9;
    }

    /** The results as a table: result, value, target, and whether it is met. */
    public Table table() {
        StringColumn what = StringColumn.create("result");
        StringColumn value = StringColumn.create("value");
        StringColumn target = StringColumn.create("target");
        StringColumn met = StringColumn.create("met");
        for (Result r : results.values()) {
            what.append(r.name());
            value.append(Target.number(r.value()));
            target.append(r.target() == null ? "" : r.target().toString());
            met.append(r.target() == null ? "" : !size.checksTargets() ? "not checked at smoke size" : r.met() ? "yes" : "NO");
        }
        return Table.create(name + " at " + size + " size, " + String.format(Locale.ROOT, "%.1f", minutes()) + " min",
                what, value, target, met);
    }

    /**
     * Writes the results to {@link #resultsFile()} (a temporary file renamed into place) and returns
     * them as a table for the notebook to show.
     */
    public Table finish() {
        Path file = resultsFile();
        StringBuilder out = new StringBuilder("# results of one tutorial run; ./tokenlab tutorials collects these\n");
        out.append("notebook\t").append(name).append('\n');
        out.append("size\t").append(size).append('\n');
        out.append("minutes\t").append(String.format(Locale.ROOT, "%.2f", minutes())).append('\n');
        for (Result r : results.values()) {
            out.append("result\t").append(r.name()).append('\t').append(r.value()).append('\t')
                    .append(r.target() == null ? "-" : r.target().toString()).append('\t')
                    .append(r.target() == null ? "-" : r.met() ? "yes" : "no").append('\n');
        }
        try {
            AtomicFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the tutorial's results to " + file, e);
        }
        return table();
    }

    /** {@code build/notebooks/results/<notebook>.<size>.tsv} under the home. */
    public Path resultsFile() {
        return home.resolve("build").resolve("notebooks").resolve("results").resolve(name + "." + size + ".tsv");
    }

    @Override
    public String toString() {
        return "tutorial " + name + " at " + size + " size (checkpoints in build/checkpoints/" + name + "/" + size + ")";
    }
}
