package io.sfsync.emulator;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the Salesforce emulator on a free loopback port for a test class and resets it to the
 * baseline org before each test. Use with {@code @RegisterExtension static EmulatorExtension sf = ...}.
 */
public final class EmulatorExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private final SalesforceEmulator.Builder builder;
    private SalesforceEmulator emulator;

    public EmulatorExtension() {
        this(SalesforceEmulator.builder());
    }

    public EmulatorExtension(SalesforceEmulator.Builder builder) {
        this.builder = builder;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        emulator = builder.port(0).build().start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        emulator.reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        emulator.stop();
    }

    public SalesforceEmulator emulator() {
        return emulator;
    }
}
