package org.tokenlab.bench.compare;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch side: bench/python/torch_models.py running as a worker process that answers one
 * line per command (see that file for the protocol). It stays alive for the whole comparison, so
 * the two sides can take turns without paying for start-up.
 */
final class TorchWorker implements AutoCloseable {

    /** Debian's PyTorch; other pythons on the PATH may lack torch or bring another build. */
    static final String INSTALL_HINT = "install Debian's PyTorch with: apt-get install python3-torch";

    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;

    private TorchWorker(Process process) {
        this.process = process;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Why {@code python} cannot run the worker (no such program, no script, or no {@code import torch}),
     * or null when it can.
     */
    static String unavailableReason(Path python, Path script) {
        if (!Files.isExecutable(python)) {
            return python + " is not an executable python; " + INSTALL_HINT;
        }
        if (!Files.isRegularFile(script)) {
            return "the PyTorch models " + script + " are missing; pass --torch-script PATH";
        }
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import torch").redirectErrorStream(true).start();
            String message = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return python + " -c 'import torch' did not finish in 2 minutes";
            }
            if (p.exitValue() != 0) {
                String last = message.isEmpty() ? "" : " (" + message.substring(message.lastIndexOf('\n') + 1) + ")";
                return python + " cannot import torch" + last + "; " + INSTALL_HINT;
            }
            return null;
        } catch (IOException e) {
            return "cannot start " + python + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking " + python;
        }
    }

    /**
     * Starts the worker; its stderr (warnings) goes to this process's stderr. An oneDNN ISA cap that
     * {@code ./tokenlab setup} chose for this JVM's libtorch (TOKENLAB_ONEDNN_MAX_CPU_ISA, see
     * {@code EngineCheck}) is not passed on: it works around a fault of libtorch 2.7.1's oneDNN, and
     * the compared PyTorch has its own oneDNN, which runs as it comes.
     */
    static TorchWorker start(Path python, Path script) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(python.toString(), script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        String cap = System.getenv("TOKENLAB_ONEDNN_MAX_CPU_ISA");
        if (cap != null && !cap.isEmpty() && cap.equals(builder.environment().get("ONEDNN_MAX_CPU_ISA"))) {
            builder.environment().remove("ONEDNN_MAX_CPU_ISA");
        }
        return new TorchWorker(builder.start());
    }

    /** Sends one command and returns the reply after {@code ok}; an {@code error} reply or a dead worker throws. */
    String call(String... words) {
        String command = String.join(" ", words);
        try {
            in.write(command);
            in.newLine();
            in.flush();
            String reply = out.readLine();
            if (reply == null) {
                throw new IllegalStateException("the PyTorch worker exited during '" + command + "' (see its messages above)");
            }
            if (reply.startsWith("ok")) {
                return reply.substring(2).trim();
            }
            throw new IllegalStateException("the PyTorch worker failed on '" + command + "': "
                    + (reply.startsWith("error ") ? reply.substring(6) : reply));
        } catch (IOException e) {
            throw new IllegalStateException("lost the PyTorch worker during '" + command + "': " + e.getMessage(), e);
        }
    }

    /** Times {@code steps} steps of the model set up last. */
    StepTimes run(int steps) {
        return StepTimes.parse(call("run", Integer.toString(steps)));
    }

    /** The worker's resident memory in MiB. */
    long residentMiB() {
        return Long.parseLong(call("rss")) / 1024;
    }

    @Override
    public void close() {
        try {
            in.write("quit");
            in.newLine();
            in.flush();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
