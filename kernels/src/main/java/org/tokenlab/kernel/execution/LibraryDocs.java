package org.tokenlab.kernel.execution;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Javadoc of the library's own classes for the notebook's inspect (shift-tab). JShell finds javadoc
 * only in the JDK's {@code src.zip}; the library ships its sources under
 * {@value #PREFIX} in its jar, and this reads the comment above the declaration that a JShell
 * signature names.
 */
final class LibraryDocs {

    static final String PREFIX = "META-INF/tokenlab-sources/";

    /** {@code Type Owner.member(params)} as JShell writes a method signature. */
    private static final Pattern METHOD = Pattern.compile("([\\w$]+)\\.([\\w$]+)\\(([^)]*)\\)\\s*$");
    private static final Pattern JAVADOC = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);
    private static final Pattern INLINE_TAG = Pattern.compile("\\{@(?:code|link|linkplain|literal|value) ?([^}]*)}");

    private final ClassLoader loader;
    private final List<String> packages;

    LibraryDocs(ClassLoader loader, List<String> packages) {
        this.loader = loader;
        this.packages = packages;
    }

    /** The javadoc of the method named by {@code signature}, as plain text without tags; empty if none. */
    Optional<String> forSignature(String signature) {
        Matcher m = METHOD.matcher(signature.strip());
        if (!m.find()) {
            return Optional.empty();
        }
        String owner = m.group(1);
        String member = m.group(2);
        String params = normalize(m.group(3));
        for (String pkg : packages) {
            Optional<String> source = read(pkg.replace('.', '/') + "/" + owner + ".java");
            if (source.isPresent()) {
                return commentBefore(source.get(), member, params);
            }
        }
        return Optional.empty();
    }

    private Optional<String> read(String path) {
        URL url = loader.getResource(PREFIX + path);
        if (url == null) {
            return Optional.empty();
        }
        try (InputStream in = url.openStream()) {
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The comment right above a declaration of {@code member} with these parameters (names and types). */
    static Optional<String> commentBefore(String source, String member, String params) {
        Matcher doc = JAVADOC.matcher(source);
        Optional<String> byName = Optional.empty();
        while (doc.find()) {
            String after = source.substring(doc.end(), Math.min(source.length(), doc.end() + 400));
            int end = after.indexOf('{');
            int semi = after.indexOf(';');
            if (end < 0 || semi >= 0 && semi < end) {
                end = semi;
            }
            String declaration = end < 0 ? after : after.substring(0, end);
            Matcher d = Pattern.compile("\\b" + Pattern.quote(member) + "\\s*\\(([^)]*)\\)").matcher(declaration);
            if (!d.find()) {
                continue;
            }
            String text = clean(doc.group(1));
            if (normalize(d.group(1)).equals(params)) {
                return Optional.of(text);
            }
            if (byName.isEmpty()) {
                byName = Optional.of(text);
            }
        }
        return byName;
    }

    /** Comment body without the leading stars, with inline tags reduced to their text and block tags kept. */
    static String clean(String comment) {
        List<String> lines = new ArrayList<>();
        for (String line : comment.split("\n")) {
            String l = line.strip();
            if (l.startsWith("*")) {
                l = l.substring(1).strip();
            }
            lines.add(l);
        }
        String text = String.join("\n", lines).strip();
        text = INLINE_TAG.matcher(text).replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
        text = text.replaceAll("</?(p|pre|ul|li|ol|em|strong|b|i)>", "");
        return text.replaceAll("\n{3,}", "\n\n").strip();
    }

    /** Parameters compared without {@code final}, spacing or package names (JShell may qualify types). */
    private static String normalize(String params) {
        return params.replaceAll("\\bfinal\\s+", "").replaceAll("\\b(?:[a-z_][\\w]*\\.)+(?=[A-Z])", "").replaceAll("\\s+", " ").replaceAll(" ?, ?", ",").strip();
    }
}
