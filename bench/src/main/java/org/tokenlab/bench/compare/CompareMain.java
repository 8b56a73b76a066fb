package org.tokenlab.bench.compare;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tokenlab.engine.EngineCheck;
import org.tokenlab.engine.Processor;

/**
 * {@code ./tokenlab bench compare}: the library's training steps and forward passes against their
 * PyTorch twins (bench/python/torch_models.py), both sides with the same explicit thread counts,
 * taking turns in rounds; then the Java side's resident memory over many VQGAN training steps.
 * Exit status 0, 1 when the parameter counts differ, 2 on bad options.
 */
public final class CompareMain {

    private CompareMain() {}

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.print(CompareOptions.USAGE);
            return;
        }
        CompareOptions options;
        try {
            options = CompareOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench compare: " + e.getMessage());
            System.err.print(CompareOptions.USAGE);
            System.exit(2);
            return;
        }
        // read by the PyTorch engine when it loads, which is below
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(options.threads()));
        System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(options.interopThreads()));
        TorchWorker torch = options.memoryOnly() ? null : startTorch(options, out);
        List<ComparisonResult> results = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            out.printf(Locale.ROOT, "Java:    DJL %s, libtorch %s, intra-op threads %d, inter-op threads %d, %s%n",
                    Engine.getDjlVersion(), Engine.getInstance().getVersion(), JniUtils.getNumThreads(),
                    JniUtils.getNumInteropThreads(), System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            out.printf(Locale.ROOT, "machine: %d cores, %s, OMP_WAIT_POLICY=%s%n",
                    Runtime.getRuntime().availableProcessors(), Processor.current(),
                    System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"));
            out.printf(Locale.ROOT, "engine:  %s%n", EngineCheck.ensure().message());
            out.printf(Locale.ROOT, "medians in ms per step (elapsed, and CPU time of the process), ratio = Java / PyTorch%n%n");
            for (Model model : options.memoryOnly() ? List.<Model>of() : options.models()) {
                out.printf(Locale.ROOT, "%s: %s ...%n", model.id(), model.description());
                results.add(Comparison.run(model, torch, manager, options));
            }
            if (!results.isEmpty()) {
                out.println();
                ResultTable.print(out, results);
                ResultTable.printShares(out, results);
            }
            if (torch != null) {
                out.printf(Locale.ROOT, "PyTorch worker resident memory after its rounds: %d MiB%n", torch.residentMiB());
            }
            if (options.memorySteps() > 0) {
                MemoryGrowth.run(out, manager, options.memorySteps());
            }
        } finally {
            if (torch != null) {
                torch.close();
            }
        }
        for (ComparisonResult r : results) {
            if (!r.parametersMatch()) {
                System.err.printf(Locale.ROOT, "bench compare: %s has %,d parameters in Java but %,d in PyTorch; "
                        + "the twins in %s must be fixed%n", r.model().id(), r.javaParameters(), r.torchParameters(),
                        options.torchScript());
                System.exit(1);
            }
        }
    }

    /** The PyTorch worker with its threads set, or null (and a line saying why) when it cannot run. */
    private static TorchWorker startTorch(CompareOptions options, PrintStream out) throws IOException {
        if (options.javaOnly()) {
            out.println("PyTorch: not run (--java-only)");
            return null;
        }
        String reason = TorchWorker.unavailableReason(options.python(), options.torchScript());
        if (reason != null) {
            out.println("PyTorch: not run: " + reason + "; timing the Java side only");
            return null;
        }
        TorchWorker torch = TorchWorker.start(options.python(), options.torchScript());
        String reply = torch.call("threads", Integer.toString(options.threads()), Integer.toString(options.interopThreads()));
        out.println("PyTorch: " + options.python() + ", " + reply.replace(" ", ", ").replace("=", " "));
        return torch;
    }
}
