import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A mongo-java-server on an explicit host and port, for wabus dev and tests.
 *
 * <pre>
 *   java -cp classes:libs/* WabusMongoServer --host 127.0.0.1 --port 27017 (--memory | --h2 FILE)
 * </pre>
 *
 * Prints {@code WABUS_MONGO_READY <port>} once listening. SIGTERM runs the shutdown hook, which closes the
 * clients and then the backend (for H2: commits and closes the MVStore file, so acknowledged writes are kept).
 */
public final class WabusMongoServer {

    /**
     * mongo-java-server 1.47.0 reports "5.0" with wire version 8; the mongodb Node driver 7.6+ refuses any
     * server whose maxWireVersion is below 9 (MongoDB 4.4). The backend only echoes this value in
     * hello/isMaster/buildInfo (no behaviour depends on it), so report the oldest version the driver accepts.
     */
    private static final MongoVersion REPORTED_VERSION = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    };

    private WabusMongoServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int port = 27017;
        String h2File = null;
        boolean memory = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = value(args, ++i, "--host");
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                case "--memory" -> memory = true;
                case "--h2" -> h2File = value(args, ++i, "--h2");
                default -> usage("unknown argument: " + args[i]);
            }
        }
        if (memory == (h2File != null)) {
            usage("exactly one of --memory or --h2 <file> is required");
        }

        MongoBackend backend = memory ? new MemoryBackend() : new H2Backend(h2File);
        backend.version(REPORTED_VERSION);
        MongoServer server = new MongoServer(backend);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("WABUS_MONGO_STOPPING");
            // shutdownNow(): stop listening, close clients, shut the event loops down, then backend.close().
            server.shutdownNow();
            System.out.println("WABUS_MONGO_STOPPED");
            System.out.flush();
            stopped.countDown();
        }, "wabus-mongo-shutdown"));

        server.bind(host, port);
        System.out.println("WABUS_MONGO_READY " + server.getLocalAddress().getPort()
            + " backend=" + (memory ? "memory" : "h2:" + h2File));
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            usage(flag + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: WabusMongoServer --host HOST --port PORT (--memory | --h2 FILE)");
        System.exit(2);
    }
}
