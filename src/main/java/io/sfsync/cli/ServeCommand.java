package io.sfsync.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.sfsync.app.SfsyncRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sfsync serve}: the long-running service — schedules, routes (hot-reloaded), monitoring. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Runs sfsync: each job on its schedule, the YAML routes in routes/, the settings in config/.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() throws Exception {
        SfsyncRuntime rt = SfsyncRuntime.start(runtime.toOptions(true));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            rt.close();
            stopped.countDown();
        }, "sfsync-shutdown"));
        System.out.println("sfsync is serving jobs " + String.join(", ", rt.config().jobs().keySet()) + " (Ctrl-C to stop)");
        if (rt.httpUrl() != null) {
            // the real ports, also when 0 asked for free ones
            System.out.println("Console:  " + rt.httpUrl() + "/console/   API: " + rt.httpUrl() + "/api/openapi.json");
        }
        if (rt.hawtioUrl() != null) {
            System.out.println("Hawtio:   " + rt.hawtioUrl());
        }
        if (rt.emulator() != null) {
            System.out.println("Salesforce emulator: " + rt.emulator().loginUrl());
        }
        stopped.await();
        return 0;
    }
}
