package io.sfsync.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import io.sfsync.cli.SfsyncCommand;
import picocli.CommandLine;

/**
 * No Docker engine runs here, so the container files are checked as far as they can be: the compose
 * file parses and wires what sfsync reads, and every command the images run parses with the real CLI.
 */
class DockerFilesTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> compose() throws Exception {
        return new Yaml().load(Files.readString(Path.of("docker/docker-compose.yml")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeRunsPostgresSfsyncAndTheEmulatorAsAProfile() throws Exception {
        Map<String, Object> services = (Map<String, Object>) compose().get("services");
        assertThat(services).containsKeys("postgres", "sfsync", "emulator");
        Map<String, Object> sfsync = (Map<String, Object>) services.get("sfsync");
        Map<String, Object> env = (Map<String, Object>) sfsync.get("environment");
        assertThat(env).containsKeys("SFSYNC_SOURCE_URL", "SFSYNC_SOURCE_PASSWORD", "SFSYNC_SF_LOGIN_URL",
                "SFSYNC_SF_CLIENT_SECRET", "SFSYNC_ADMIN_PASSWORD");
        assertThat(env.get("SFSYNC_SOURCE_URL").toString()).startsWith("jdbc:postgresql://postgres:5432/");
        String properties = Files.readString(Path.of("config/application.properties"));
        for (String variable : env.keySet()) {
            assertThat(properties + Files.readString(Path.of("config/sync.yaml"))).as(variable).contains(variable);
        }
        assertThat((List<String>) ((Map<String, Object>) services.get("emulator")).get("profiles")).contains("emulator");
        // a second instance on the same database (clustered schedules), its own host ports
        Map<String, Object> second = (Map<String, Object>) services.get("sfsync-2");
        assertThat(second).as("the second replica").isNotNull();
        assertThat(second.get("environment")).isEqualTo(env);
        assertThat((List<String>) second.get("ports")).doesNotContainAnyElementsOf((List<String>) sfsync.get("ports"));
        assertThat(((Map<String, Object>) second.get("depends_on"))).containsKeys("postgres", "sfsync");
        // secrets are only referenced, never written down
        assertThat(Files.readString(Path.of("docker/docker-compose.yml"))).doesNotContainPattern(
                "(PASSWORD|SECRET): [A-Za-z0-9]{6,}");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyContainerCommandIsAValidSfsyncCommandLine() throws Exception {
        List<List<String>> commands = new ArrayList<>();
        Map<String, Object> services = (Map<String, Object>) compose().get("services");
        for (String name : List.of("sfsync", "sfsync-2", "emulator")) {
            Object command = ((Map<String, Object>) services.get(name)).get("command");
            List<String> args = new ArrayList<>();
            if (command instanceof List<?> l) {
                l.forEach(a -> args.add(a.toString().replaceAll("\\$\\{[^}]+}", "x")));
            } else {
                String s = command.toString().replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1");
                args.addAll(List.of(s.split("\\s+")));
            }
            commands.add(args);
        }
        String dockerfile = Files.readString(Path.of("docker/Dockerfile"));
        assertThat(dockerfile).contains("ENTRYPOINT [\"java\", \"-jar\", \"sfsync.jar\"]", "COPY target/sfsync.jar sfsync.jar",
                "COPY target/lib/ lib/", "CMD [\"serve\"]");
        commands.add(List.of("serve"));
        for (List<String> args : commands) {
            CommandLine cli = SfsyncCommand.commandLine();
            CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
            assertThat(parsed.hasSubcommand()).as(args.toString()).isTrue();
        }
    }
}
