package org.vmemperor.simulator;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.jboss.logging.Logger;

/**
 * {@code java -jar xapi-simulator.jar [--host 127.0.0.1] [--port 8443] [--password secret] [--vms 20]
 * [--install-seconds 2] [--state-file pool.json]}
 */
public final class SimulatorMain {
    private static final Logger LOG = Logger.getLogger(SimulatorMain.class);

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        XapiSimulator.Builder builder = XapiSimulator.builder().port(8443);
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if ("--help".equals(option) || "-h".equals(option)) {
                LOG.info("options: --host ADDR --port N --password PW --vms N --install-seconds S --state-file PATH");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + option);
            }
            String value = args[++i];
            switch (option) {
                case "--host" -> builder.host(value);
                case "--port" -> builder.port(Integer.parseInt(value));
                case "--password" -> builder.rootPassword(value);
                case "--vms" -> builder.demoVms(Integer.parseInt(value));
                case "--install-seconds" -> builder.installSeconds(Double.parseDouble(value));
                case "--state-file" -> builder.stateFile(Path.of(value));
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        XapiSimulator simulator = builder.build();
        simulator.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.stop();
            stopped.countDown();
        }, "xapi-sim-shutdown"));
        LOG.infof("XenAPI simulator ready at %s (user root)", simulator.url());
        stopped.await();
    }
}
