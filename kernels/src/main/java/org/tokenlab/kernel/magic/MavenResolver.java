package org.tokenlab.kernel.magic;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession.CloseableSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

/**
 * Resolves {@code group:artifact[:extension[:classifier]]:version} and its runtime dependencies with
 * Maven's own resolver, from the local repository ({@code ~/.m2/repository}, or the folder named by
 * {@code -Dmaven.repo.local}). Nothing is downloaded unless a remote repository URL is given
 * (environment variable {@code TOKENLAB_MAVEN_REPOSITORY}), so notebooks behave the same offline.
 */
public final class MavenResolver {

    private final Path localRepository;
    private final String remoteUrl;

    public MavenResolver(Path localRepository, String remoteUrl) {
        this.localRepository = localRepository;
        this.remoteUrl = remoteUrl == null || remoteUrl.isBlank() ? null : remoteUrl.strip();
    }

    /** The resolver configured from system properties and the environment, as the kernel uses it. */
    public static MavenResolver fromEnvironment() {
        String local = System.getProperty("maven.repo.local");
        Path repo = local != null ? Path.of(local) : Path.of(System.getProperty("user.home"), ".m2", "repository");
        return new MavenResolver(repo, System.getenv("TOKENLAB_MAVEN_REPOSITORY"));
    }

    public Path localRepository() {
        return localRepository;
    }

    /** The jar files of {@code coordinates} and its runtime dependencies, the artifact first. */
    public List<Path> resolve(String coordinates) {
        DefaultArtifact artifact;
        try {
            artifact = new DefaultArtifact(coordinates);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("%maven expects group:artifact:version (or "
                    + "group:artifact:extension:classifier:version), got '" + coordinates + "'");
        }
        RepositorySystem system = new RepositorySystemSupplier().get();
        try (CloseableSession session = new SessionBuilderSupplier(system).get()
                .withLocalRepositories(new LocalRepository(localRepository, "simple"))
                .setOffline(remoteUrl == null)
                .build()) {
            CollectRequest collect = new CollectRequest();
            collect.setRoot(new Dependency(artifact, JavaScopes.RUNTIME));
            if (remoteUrl != null) {
                collect.addRepository(new RemoteRepository.Builder("remote", "default", remoteUrl).build());
            }
            DependencyRequest request = new DependencyRequest(collect,
                    DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
            List<Path> files = new ArrayList<>();
            for (ArtifactResult r : system.resolveDependencies(session, request).getArtifactResults()) {
                Path p = r.getArtifact().getPath();
                if (p != null && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
            return files;
        } catch (DependencyResolutionException e) {
            throw new IllegalArgumentException("Could not resolve " + coordinates + " from "
                    + (remoteUrl == null ? "the local repository " + localRepository
                            + " (no remote repository is used: set TOKENLAB_MAVEN_REPOSITORY to a repository URL, "
                            + "or fetch it first with: mvn dependency:get -Dartifact=" + coordinates + ")"
                            : localRepository + " or " + remoteUrl)
                    + ". Cause: " + rootMessage(e), e);
        } finally {
            system.shutdown();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
