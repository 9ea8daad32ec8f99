package io.sfsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** Roles and management.adminsOnly: who may do what, and 401 versus 403. */
class AccessTest {
    private final EnvUserDirectory users = new EnvUserDirectory(Map.of("admin", "a-pw", "operator", "o-pw", "viewer", "v-pw"));

    private static int status(Processor p, String user, String password) throws Exception {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        if (user != null) {
            e.getMessage().setHeader("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        p.process(e);
        Integer code = e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return code == null ? 200 : code;
    }

    @Test
    void rolesIncludeTheOnesBelowThem() throws Exception {
        Access access = new Access(users, false);
        assertThat(status(access.viewer(), "viewer", "v-pw")).isEqualTo(200);
        assertThat(status(access.manage(), "viewer", "v-pw")).isEqualTo(403);
        assertThat(status(access.manage(), "operator", "o-pw")).isEqualTo(200);
        assertThat(status(access.admin(), "operator", "o-pw")).isEqualTo(403);
        assertThat(status(access.admin(), "admin", "a-pw")).isEqualTo(200);
        assertThat(status(access.viewer(), "admin", "a-pw")).isEqualTo(200);
    }

    @Test
    void missingOrWrongCredentialsAre401() throws Exception {
        Access access = new Access(users, false);
        assertThat(status(access.viewer(), null, null)).isEqualTo(401);
        assertThat(status(access.viewer(), "viewer", "nope")).isEqualTo(401);
        assertThat(status(access.viewer(), "mallory", "v-pw")).isEqualTo(401);
    }

    @Test
    void adminsOnlyKeepsManagementToAdminsButOperatorsMayStillRepairTheConnection() throws Exception {
        Access access = new Access(users, true);
        assertThat(status(access.manage(), "operator", "o-pw")).isEqualTo(403);
        assertThat(status(access.manage(), "admin", "a-pw")).isEqualTo(200);
        assertThat(status(access.repair(), "operator", "o-pw")).isEqualTo(200);
        assertThat(status(access.repair(), "viewer", "v-pw")).isEqualTo(403);
        assertThat(status(access.viewer(), "viewer", "v-pw")).isEqualTo(200);
    }

    @Test
    void usersWithoutAPasswordInTheEnvironmentCannotLogIn() {
        EnvUserDirectory fromEnv = new EnvUserDirectory(name -> name.equals("SFSYNC_VIEWER_PASSWORD") ? "only-viewer" : null);
        assertThat(fromEnv.users()).containsExactly("viewer");
        assertThat(fromEnv.authenticate("admin", "".toCharArray())).isEmpty();
        assertThat(fromEnv.authenticate("viewer", "only-viewer".toCharArray())).hasValueSatisfying(r ->
                assertThat(r).containsExactly("viewer"));
    }
}
