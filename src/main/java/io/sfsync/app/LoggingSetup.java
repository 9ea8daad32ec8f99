package io.sfsync.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * sfsync's logging, set up in code: one console appender, Jetty quiet. Reading and interpreting an XML file
 * costs a cold process about half a second before its first line; a one-off run spends that on its work.
 * {@code -Dlogback.configurationFile=FILE} still replaces all of this with the file's configuration.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LoggingSetup extends ContextAwareBase implements Configurator {
    /** Whether this configuration is the one in use (not an operator's -Dlogback.configurationFile). */
    private static volatile boolean inUse;

    /**
     * A one-off command prints its progress and verdict, not the framework's INFO lines: only warnings
     * and errors are logged (an operator's own logback file is left as it is).
     */
    public static void warningsOnly() {
        if (inUse && org.slf4j.LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            context.getLogger("org.apache.camel.component.salesforce").setLevel(Level.WARN);
        }
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // the operator's own file, read by logback's Joran
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setEncoder(encoder);
        console.start();
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        // the emulator drops connections on purpose (fault injection); Jetty would log each one
        context.getLogger("org.eclipse.jetty.server.Response").setLevel(Level.ERROR);
        context.getLogger("org.apache.camel.component.salesforce").setLevel(Level.INFO);
        // sfsync sends raw payloads (rawPayload=true): the component's warning about DTO packages does not apply
        context.getLogger("org.apache.camel.component.salesforce.SalesforceComponent").setLevel(Level.ERROR);
        inUse = true;
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
