package org.tokenlab.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;
import org.tokenlab.engine.EngineCheck;

/**
 * The settings every benchmark here shares (JMH reads them from the superclass): throughput per
 * second, 2 warm-up and 3 measured iterations, one fork running offline with quiet logging, and the
 * convolution self-check (with its fix where this processor needs it) before the first iteration.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error"})
public abstract class BenchmarkDefaults {

    /** Tokens per benchmark step. */
    public static final int TOKENS = 16384;

    /** Convolutions as the library runs them everywhere else: checked, and routed around oneDNN where it is wrong. */
    @Setup(Level.Trial)
    public void checkEngine() {
        EngineCheck.ensure();
    }
}
