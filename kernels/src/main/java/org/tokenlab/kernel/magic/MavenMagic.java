package org.tokenlab.kernel.magic;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.tokenlab.kernel.execution.CellResult;

/** {@code %maven group:artifact:version...}: resolves each artifact with its dependencies and adds the jars. */
public final class MavenMagic implements LineMagic {

    private final MavenResolver resolver;
    private final Consumer<String> classPath;
    private final Supplier<PrintStream> out;

    public MavenMagic(MavenResolver resolver, Consumer<String> classPath, Supplier<PrintStream> out) {
        this.resolver = resolver;
        this.classPath = classPath;
        this.out = out;
    }

    @Override
    public CellResult run(String arguments) {
        if (arguments.isBlank()) {
            throw new IllegalArgumentException("%maven expects coordinates group:artifact:version, "
                    + "e.g. %maven org.apache.commons:commons-math3:3.6.1");
        }
        for (String coordinates : arguments.split("\\s+")) {
            List<Path> jars = resolver.resolve(coordinates);
            jars.forEach(p -> classPath.accept(p.toString()));
            out.get().println("Added " + coordinates + " (" + jars.size() + (jars.size() == 1 ? " jar" : " jars")
                    + " from " + resolver.localRepository() + ")");
        }
        return CellResult.NONE;
    }
}
