package io.sfsync.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.component.salesforce.api.dto.Limits;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** camel-salesforce logs in with each OAuth flow sfsync supports, against the emulator. */
class CamelSalesforceAuthFlowsTest {
    private static final String STORE_PASSWORD = "test-only-keystore";

    @TempDir
    static Path dir;
    static Path keystore;
    static String certificatePem;
    static SalesforceEmulator emulator;

    private CamelContext camel;

    @BeforeAll
    static void keysAndEmulator() throws Exception {
        keystore = dir.resolve("jwt.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "sfsync", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=sfsync-test",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD,
                "-keypass", STORE_PASSWORD);
        Path cert = dir.resolve("jwt.pem");
        run(keytool, "-exportcert", "-rfc", "-alias", "sfsync", "-keystore", keystore.toString(), "-storepass",
                STORE_PASSWORD, "-file", cert.toString());
        certificatePem = Files.readString(cert);
        emulator = SalesforceEmulator.builder().jwtCertificatePem(certificatePem).build().start();
    }

    @org.junit.jupiter.api.AfterAll
    static void stopEmulator() {
        emulator.stop();
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @AfterEach
    void stopCamel() {
        if (camel != null) {
            camel.stop();
        }
    }

    private Limits limitsWith(SalesforceComponent sf) throws Exception {
        sf.setLoginUrl(emulator.loginUrl());
        sf.setClientId(emulator.credentials().clientId());
        camel = new DefaultCamelContext();
        camel.addComponent("salesforce", sf);
        camel.start();
        return camel.createProducerTemplate().requestBody("salesforce:limits", (Object) null, Limits.class);
    }

    @Test
    void jwtBearerSignedWithTheConnectedAppKey() throws Exception {
        SalesforceComponent sf = new SalesforceComponent();
        sf.setAuthenticationType(AuthenticationType.JWT);
        sf.setUserName(emulator.credentials().username());
        KeyStoreParameters ks = new KeyStoreParameters();
        ks.setResource("file:" + keystore);
        ks.setPassword(STORE_PASSWORD);
        ks.setType("PKCS12");
        sf.setKeystore(ks);
        assertThat(limitsWith(sf).getDailyApiRequests().getMax()).isEqualTo(15000);
    }

    @Test
    void refreshToken() throws Exception {
        SalesforceComponent sf = new SalesforceComponent();
        sf.setAuthenticationType(AuthenticationType.REFRESH_TOKEN);
        sf.setClientSecret(emulator.credentials().clientSecret());
        sf.setRefreshToken(emulator.credentials().refreshToken());
        assertThat(limitsWith(sf).getDailyApiRequests().getRemaining()).isPositive();
    }

    @Test
    void usernamePasswordStillWorks() throws Exception {
        SalesforceComponent sf = new SalesforceComponent();
        sf.setAuthenticationType(AuthenticationType.USERNAME_PASSWORD);
        sf.setClientSecret(emulator.credentials().clientSecret());
        sf.setUserName(emulator.credentials().username());
        sf.setPassword(emulator.credentials().password());
        assertThat(limitsWith(sf).getDailyApiRequests().getRemaining()).isPositive();
    }

    @Test
    void aWrongSecretFailsTheLoginWithInvalidClient() {
        SalesforceComponent sf = new SalesforceComponent();
        sf.setAuthenticationType(AuthenticationType.CLIENT_CREDENTIALS);
        sf.setClientSecret("not-the-secret");
        sf.setLazyLogin(true);
        assertThatThrownBy(() -> limitsWith(sf)).hasStackTraceContaining("invalid_client");
    }
}
