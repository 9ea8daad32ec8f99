package io.sfsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sfsync.config.SalesforceSettings;
import io.sfsync.config.SalesforceSettings.AuthType;
import io.sfsync.config.SalesforceSettings.Environment;
import io.sfsync.config.SyncConfig;

/** `sfsync check`'s warnings: valid settings that will not work as meant. */
class ConfigCheckerWarningsTest {

    private static java.util.List<String> warnings(Environment env, String loginUrl, AuthType auth) {
        SyncConfig config = new SyncConfig(new SalesforceSettings(env, loginUrl, auth, "62.0", 50, 0), Map.of(),
                new SyncConfig.Management(false), new SyncConfig.Alerts(null, 0, 10));
        return new ConfigChecker(config, null, null).warnings();
    }

    @Test
    void clientCredentialsAtSalesforcesSharedLoginHostsAreWarnedAbout() {
        assertThat(warnings(Environment.PRODUCTION, null, AuthType.CLIENT_CREDENTIALS)).singleElement().asString()
                .startsWith("salesforce.loginUrl: the client-credentials flow needs your org's My Domain")
                .contains("https://login.salesforce.com", "Setup → My Domain");
        assertThat(warnings(Environment.SANDBOX, null, AuthType.CLIENT_CREDENTIALS)).singleElement().asString()
                .contains("https://test.salesforce.com");
        assertThat(warnings(Environment.CUSTOM, "https://login.salesforce.com", AuthType.CLIENT_CREDENTIALS)).hasSize(1);
    }

    @Test
    void aMyDomainTheEmulatorOrAnotherFlowIsNot() {
        assertThat(warnings(Environment.CUSTOM, "https://acme.my.salesforce.com", AuthType.CLIENT_CREDENTIALS)).isEmpty();
        assertThat(warnings(Environment.CUSTOM, "http://127.0.0.1:8089", AuthType.CLIENT_CREDENTIALS)).isEmpty();
        assertThat(warnings(Environment.PRODUCTION, null, AuthType.JWT)).isEmpty();
        assertThat(warnings(Environment.PRODUCTION, null, AuthType.REFRESH_TOKEN)).isEmpty();
    }
}
