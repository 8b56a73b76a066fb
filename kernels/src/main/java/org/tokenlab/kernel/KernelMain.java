package org.tokenlab.kernel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.tokenlab.kernel.channel.SignedConnection;

/** Entry point: {@code java ... org.tokenlab.kernel.KernelMain CONNECTION_FILE}, as kernel.json runs it. */
public final class KernelMain {

    private KernelMain() {}

    public static void main(String[] args) throws Exception {
        // Logging goes to the kernel's own stderr (the Jupyter server's log), never into a cell.
        defaultProperty("org.slf4j.simpleLogger.cacheOutputStream", "true");
        defaultProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        defaultProperty("org.slf4j.simpleLogger.showDateTime", "true");
        // a CPU-only machine is normal here, not worth a warning at every start
        defaultProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        defaultProperty("java.awt.headless", "true");
        defaultProperty("ai.djl.offline", "true");
        if (args.length != 1) {
            System.err.println("usage: tokenlab-kernel CONNECTION_FILE (Jupyter passes the file; see kernel.json)");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        if (!Files.isRegularFile(file)) {
            System.err.println("tokenlab-kernel: connection file " + file.toAbsolutePath() + " does not exist");
            System.exit(2);
        }
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(file, StandardCharsets.UTF_8));
        org.slf4j.LoggerFactory.getLogger(KernelMain.class).debug("starting on {}", props.getIp());

        TokenLabKernel kernel = TokenLabKernel.create();
        SignedConnection connection = new SignedConnection(props);
        kernel.becomeHandlerForConnection(connection);
        kernel.onStartup();
        connection.connect();
        kernel.warmUp();
        connection.waitUntilClose();
        System.exit(0);
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
