package org.tokenlab.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MavenResolverTest {

    @TempDir
    static Path work;

    static Path repo;
    static MavenResolver resolver;

    @BeforeAll
    static void repository() throws Exception {
        repo = TestJars.fakeRepository(work);
        resolver = new MavenResolver(repo, null);
    }

    @Test
    void resolvesTheArtifactAndItsRuntimeDependencyArtifactFirst() {
        List<Path> jars = resolver.resolve("org.example:a:1.0");

        assertEquals(List.of(repo.resolve("org/example/a/1.0/a-1.0.jar"), repo.resolve("org/example/b/1.0/b-1.0.jar")),
                jars.stream().map(Path::toAbsolutePath).toList());
    }

    @Test
    void artifactWithoutDependenciesResolvesToItsOwnJar() {
        List<Path> jars = resolver.resolve("org.example:b:1.0");

        assertEquals(List.of(repo.resolve("org/example/b/1.0/b-1.0.jar")), jars.stream().map(Path::toAbsolutePath).toList());
    }

    @Test
    void localRepositoryIsTheOneGiven() {
        assertEquals(repo, resolver.localRepository());
    }

    @Test
    void missingArtifactNamesCoordinatesRepositoryAndHowToFetchIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolver.resolve("org.example:missing:2.0"));

        String m = e.getMessage();
        assertTrue(m.contains("org.example:missing:2.0"), m);
        assertTrue(m.contains(repo.toString()), m);
        assertTrue(m.contains("mvn dependency:get -Dartifact=org.example:missing:2.0"), m);
        assertTrue(m.contains("TOKENLAB_MAVEN_REPOSITORY"), m);
    }

    @Test
    void missingVersionOfAnExistingArtifactIsReported() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolver.resolve("org.example:a:9.9"));

        assertTrue(e.getMessage().contains("org.example:a:9.9"), e.getMessage());
    }

    @Test
    void malformedCoordinatesAskForGroupArtifactVersion() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolver.resolve("nonsense"));

        assertTrue(e.getMessage().contains("group:artifact:version"), e.getMessage());
        assertTrue(e.getMessage().contains("'nonsense'"), e.getMessage());
    }
}
