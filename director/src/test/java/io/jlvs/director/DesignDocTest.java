package io.jlvs.director;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/design.md names the code as it is: every type, member, package and path it cites in
 * backticks, and every page it links to, exists. A bare type name ({@code Pipeline},
 * {@code HealthCheck.Action}, {@code ConnTracker#sweep}) must be a type of one of the modules'
 * sources (main or test); a qualified one ({@code org.agrona.concurrent.IdleStrategy}) a class on this test's
 * class path; {@code io.jlvs...} a package; {@code a/b} a file or directory of the repository.
 */
class DesignDocTest {
    // Surefire runs in the module directory; the repository is its parent.
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DOC = ROOT.resolve("docs/design.md");

    private static final Pattern CODE = Pattern.compile("`([^`\n]+)`");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(?:#[^)]*)?\\)");
    private static final Pattern PROJECT_TYPE =
            Pattern.compile("([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)((?:\\.[A-Z]\\w*)*)(?:[.#](\\w+)(?:\\(\\))?)?");
    private static final Pattern QUALIFIED_TYPE = Pattern.compile("(?:[a-z]\\w*\\.)+[A-Z]\\w*");
    private static final Pattern PACKAGE = Pattern.compile("io\\.jlvs(?:\\.[a-z]\\w*)*");
    private static final Pattern PATH = Pattern.compile("[\\w.-]+(?:/[\\w.-]+)+/?");

    @Test
    void everyTypePackageAndPathTheDesignPageCitesExists() throws IOException {
        String text = Files.readString(DOC);
        Map<String, List<Path>> sources = sourcesBySimpleName();
        List<String> missing = new ArrayList<>();
        int checked = 0;
        Matcher code = CODE.matcher(text);
        while (code.find()) {
            String cited = code.group(1);
            Matcher type = PROJECT_TYPE.matcher(cited);
            if (type.matches()) {
                checked++;
                String problem = projectType(sources, type.group(1), type.group(2), type.group(3));
                if (problem != null) {
                    missing.add("`" + cited + "`: " + problem);
                }
            } else if (QUALIFIED_TYPE.matcher(cited).matches()) {
                checked++;
                try {
                    Class.forName(cited, false, getClass().getClassLoader());
                } catch (ClassNotFoundException e) {
                    missing.add("`" + cited + "`: no such class on the class path");
                }
            } else if (PACKAGE.matcher(cited).matches()) {
                checked++;
                if (!packageExists(cited)) {
                    missing.add("`" + cited + "`: no such package in any module");
                }
            } else if (PATH.matcher(cited).matches()) {
                checked++;
                if (!Files.exists(ROOT.resolve(cited))) {
                    missing.add("`" + cited + "`: no such file or directory");
                }
            }
        }
        Matcher link = LINK.matcher(text);
        while (link.find()) {
            String target = link.group(1);
            if (!target.contains("://")) {
                checked++;
                if (!Files.exists(DOC.getParent().resolve(target))) {
                    missing.add("link " + target + ": no such file");
                }
            }
        }
        assertEquals(List.of(), missing, "docs/design.md cites what the code does not have");
        assertTrue(checked > 50, "the page cites only " + checked + " names: did the patterns stop matching?");
    }

    /** Why {@code Outer.Nested#member} is not a project type, or null when it is. */
    private static String projectType(Map<String, List<Path>> sources, String outer, String nested, String member)
            throws IOException {
        List<Path> files = sources.get(outer);
        if (files == null) {
            return "no type " + outer + " in any module's sources";
        }
        for (Path file : files) {
            String source = Files.readString(file);
            boolean ok = true;
            for (String inner : nested.isEmpty() ? new String[0] : nested.substring(1).split("\\.")) {
                ok &= Pattern.compile("\\b(class|interface|record|enum) " + inner + "\\b").matcher(source).find();
            }
            if (member != null) {
                ok &= Pattern.compile("\\b" + member + "\\b").matcher(source).find();
            }
            if (ok) {
                return null;
            }
        }
        return "no " + (member == null ? "nested type" : "member " + member) + " in " + files;
    }

    private static boolean packageExists(String name) throws IOException {
        try (Stream<Path> modules = Files.list(ROOT)) {
            return modules.anyMatch(m -> Stream.of("src/main/java", "src/test/java")
                    .anyMatch(src -> Files.isDirectory(m.resolve(src).resolve(name.replace('.', '/')))));
        }
    }

    /** Every source file (main and test) of every module, by the simple name of its top-level type. */
    private static Map<String, List<Path>> sourcesBySimpleName() throws IOException {
        Map<String, List<Path>> byName = new HashMap<>();
        List<Path> roots;
        try (Stream<Path> modules = Files.list(ROOT)) {
            roots = modules.flatMap(m -> Stream.of(m.resolve("src/main/java"), m.resolve("src/test/java")))
                    .filter(Files::isDirectory).toList();
        }
        assertTrue(roots.size() >= 12, "module sources under " + ROOT + ": " + roots);
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> byName
                        .computeIfAbsent(f.getFileName().toString().replace(".java", ""), k -> new ArrayList<>()).add(f));
            }
        }
        return byName;
    }
}
