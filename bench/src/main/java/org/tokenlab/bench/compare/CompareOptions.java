package org.tokenlab.bench.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The command line of {@code ./tokenlab bench compare}; {@link #parse} names the offending option
 * and the accepted values in its {@link IllegalArgumentException}.
 *
 * @param models the models to compare, in order (default {@link Model#defaults()})
 * @param rounds rounds per model; each round times the PyTorch side, then the Java side
 * @param roundSeconds about how long one side's round takes (sets the steps per round)
 * @param warmupSteps untimed steps of each side before the first round
 * @param threads intra-op threads of both sides
 * @param interopThreads inter-op threads of both sides
 * @param memorySteps VQGAN training steps of the resident-memory run (0: no run)
 * @param python the python that runs the PyTorch side
 * @param torchScript bench/python/torch_models.py
 * @param javaOnly time the Java side alone
 * @param memoryOnly skip the comparison, run only the resident-memory check
 */
record CompareOptions(List<Model> models, int rounds, double roundSeconds, int warmupSteps, int threads,
        int interopThreads, int memorySteps, Path python, Path torchScript, boolean javaOnly, boolean memoryOnly) {

    static final String USAGE = """
            usage: ./tokenlab bench compare [OPTIONS]
              --models A,B,...     models to compare (default all but magvit2-gpu-*): %s
              --rounds N           rounds per model, PyTorch and Java taking turns (default 6)
              --round-seconds S    about how long one side's round lasts (default 2)
              --warmup N           untimed steps of each side first (default 5)
              --threads N          intra-op threads of both sides (default: the machine's %d cores)
              --interop N          inter-op threads of both sides (default 1)
              --memory-steps N     VQGAN training steps for the resident-memory check, 0 to skip (default 200)
              --python PATH        python with torch (default /usr/bin/python3)
              --torch-script PATH  the PyTorch models (default bench/python/torch_models.py)
              --java-only          time the Java side alone
              --memory-only        only the resident-memory check (with --memory-steps)
            """.formatted(Model.ids(), Runtime.getRuntime().availableProcessors());

    static CompareOptions parse(String... args) {
        List<Model> models = Model.defaults();
        int rounds = 6;
        double roundSeconds = 2;
        int warmup = 5;
        int threads = Runtime.getRuntime().availableProcessors();
        int interop = 1;
        int memorySteps = 200;
        Path python = Path.of("/usr/bin/python3");
        Path script = Path.of("bench/python/torch_models.py");
        boolean javaOnly = false;
        boolean memoryOnly = false;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            String value = null;
            int eq = name.indexOf('=');
            if (name.startsWith("--") && eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("--java-only") || name.equals("--memory-only")) {
                if (value != null) {
                    throw new IllegalArgumentException(name + " takes no value, got '" + value + "'");
                }
                javaOnly |= name.equals("--java-only");
                memoryOnly |= name.equals("--memory-only");
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(known(name) + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--models" -> models = models(value);
                case "--rounds" -> rounds = integer(name, value, 1, 1000);
                case "--round-seconds" -> roundSeconds = seconds(value);
                case "--warmup" -> warmup = integer(name, value, 1, 1000);
                case "--threads" -> threads = integer(name, value, 1, 1024);
                case "--interop" -> interop = integer(name, value, 1, 1024);
                case "--memory-steps" -> memorySteps = integer(name, value, 0, 1_000_000);
                case "--python" -> python = Path.of(value);
                case "--torch-script" -> script = Path.of(value);
                default -> throw new IllegalArgumentException(known(name) + " is not an option");
            }
        }
        if (memoryOnly && memorySteps == 0) {
            throw new IllegalArgumentException("--memory-only needs --memory-steps above 0");
        }
        return new CompareOptions(models, rounds, roundSeconds, warmup, threads, interop, memorySteps, python, script,
                javaOnly, memoryOnly);
    }

    private static String known(String name) {
        return "'" + name + "'";
    }

    private static List<Model> models(String value) {
        LinkedHashSet<Model> chosen = new LinkedHashSet<>();
        for (String id : value.split(",")) {
            if (!id.isBlank()) {
                chosen.add(Model.named(id.trim()));
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("--models needs at least one of: " + Model.ids());
        }
        return new ArrayList<>(chosen);
    }

    private static int integer(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is accepted
        }
        throw new IllegalArgumentException(name + " expects a whole number from " + min + " to " + max + ", got '" + value + "'");
    }

    private static double seconds(String value) {
        try {
            double s = Double.parseDouble(value.trim());
            if (s > 0 && s <= 600) {
                return s;
            }
        } catch (NumberFormatException e) {
            // the message below says what is accepted
        }
        throw new IllegalArgumentException("--round-seconds expects seconds above 0 and at most 600, got '" + value + "'");
    }
}
