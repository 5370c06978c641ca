package portal.search.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.opensearch.node.Node;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Starts a real, embedded OpenSearch for development, tests and CI.
 *
 * <pre>
 *   EngineMain [single|cluster|process] [--port N] [--transport-port N] [--data DIR]
 *              [--nodes N] [--cluster-name NAME] [--control-port N] [--node I]
 * </pre>
 *
 * Every option falls back to an environment variable (ENGINE_PORT,
 * ENGINE_TRANSPORT_PORT, ENGINE_DATA_DIR, ENGINE_NODES, ENGINE_CLUSTER_NAME,
 * ENGINE_CONTROL_PORT). Node i (1-based) gets http port PORT+i-1 and transport
 * port TRANSPORT_PORT+i-1 (default PORT+100), always bound to 127.0.0.1.
 *
 * In cluster mode a tiny loopback-only control endpoint lets fault tests stop
 * and restart individual nodes without killing the whole JVM:
 * GET /nodes, POST /nodes/{i}/stop, POST /nodes/{i}/start.
 *
 * In process mode this JVM runs node I (--node) of a cluster of --nodes nodes, each in a
 * JVM of its own, so that a fault test can SIGKILL one: the node takes the ports and data
 * dir node I would have in cluster mode, and finds the others on their transport ports.
 *
 * The node is started through Node directly (not the OpenSearch bootstrap), so
 * there is no "cannot run as root" check and no production bootstrap checks;
 * that is what makes it usable on CI machines that run as root.
 */
public final class EngineMain {

    private EngineMain() {
    }

    public static void main(final String[] args) throws Exception {
        String mode = "single";
        int httpPort = intEnv("ENGINE_PORT", 9200);
        int transportPort = intEnv("ENGINE_TRANSPORT_PORT", -1);
        int nodes = -1;
        int controlPort = intEnv("ENGINE_CONTROL_PORT", -1);
        String dataDir = env("ENGINE_DATA_DIR", "data");
        String clusterName = env("ENGINE_CLUSTER_NAME", null);
        int onlyNode = 1;

        for (int i = 0; i < args.length; i++) {
            final String a = args[i];
            switch (a) {
            case "single":
            case "cluster":
            case "process":
                mode = a;
                break;
            case "--port":
                httpPort = Integer.parseInt(args[++i]);
                break;
            case "--transport-port":
                transportPort = Integer.parseInt(args[++i]);
                break;
            case "--nodes":
                nodes = Integer.parseInt(args[++i]);
                break;
            case "--data":
                dataDir = args[++i];
                break;
            case "--cluster-name":
                clusterName = args[++i];
                break;
            case "--control-port":
                controlPort = Integer.parseInt(args[++i]);
                break;
            case "--node":
                onlyNode = Integer.parseInt(args[++i]);
                break;
            default:
                System.err.println("Unknown argument: " + a);
                System.exit(2);
            }
        }

        final boolean cluster = "cluster".equals(mode);
        final boolean process = "process".equals(mode);
        if (nodes < 0) {
            nodes = cluster || process ? intEnv("ENGINE_NODES", 3) : 1;
        }
        if (process && (onlyNode < 1 || onlyNode > nodes)) {
            System.err.println("--node must be between 1 and --nodes (" + nodes + ")");
            System.exit(2);
        }
        if (clusterName == null) {
            clusterName = cluster ? "portal-engine-cluster"
                    : process ? "portal-engine-processes" : "portal-engine";
        }
        // Derived defaults keep a second engine on another ENGINE_PORT from
        // colliding: 9200 -> transport 9300, control 9290.
        if (transportPort < 0) {
            transportPort = httpPort + 100;
        }
        if (controlPort < 0) {
            controlPort = httpPort + 90;
        }

        // Single node, cluster and processes keep separate state: their cluster UUIDs and
        // discovery settings are incompatible, so they must never share a dir.
        final Path basePath = Paths.get(dataDir, cluster ? "cluster" : process ? "processes" : "single")
                .toAbsolutePath().normalize();
        final Path snapshotPath = basePath.resolve("snapshots");
        Files.createDirectories(snapshotPath);

        final int numNodes = nodes;
        final int http0 = httpPort;
        final int transport0 = transportPort;
        final List<String> seedHosts = new ArrayList<>();
        for (int i = 0; i < numNodes; i++) {
            seedHosts.add("127.0.0.1:" + (transport0 + i));
        }

        // The runner numbers the nodes it starts from 1; a process-mode JVM starts one node,
        // which must be node I (its name, ports and node_I data dir).
        final int firstNode = process ? onlyNode : 1;
        final OpenSearchRunner runner = new OpenSearchRunner() {
            @Override
            protected void execute(final int id) {
                super.execute(id + firstNode - 1);
            }
        };
        // Ports are fixed by us; don't let the runner probe and silently shift them.
        runner.setMaxHttpPort(-1);
        runner.onBuild((id, settings) -> {
            settings.put("node.name", "node-" + id);
            settings.put("network.host", "127.0.0.1"); // loopback only
            settings.put("http.port", String.valueOf(http0 + id - 1));
            settings.put("transport.port", String.valueOf(transport0 + id - 1));
            // Shared fs dir so snapshot/restore can be exercised in tests.
            settings.putList("path.repo", snapshotPath.toString());
            // Dev/CI disks are often nearly full; don't let the watermark
            // silently block shard allocation or make indices read-only.
            settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
            if (numNodes == 1) {
                settings.put("discovery.type", "single-node");
            } else {
                settings.putList("discovery.seed_hosts", seedHosts);
                // In one JVM node-1 starts first and founds the cluster; separate processes
                // start at once, and any two of them may found it.
                if (process) {
                    settings.putList("cluster.initial_cluster_manager_nodes", nodeNames(numNodes));
                    // The runner makes a JVM of one node a single-node cluster unless told.
                    settings.put("discovery.type", "zen");
                } else {
                    settings.putList("cluster.initial_cluster_manager_nodes", "node-1");
                }
                // Node.start() would block 30s waiting for a quorum that is still starting
                // (the next node in this thread, or another process); engine.sh waits for
                // health instead.
                settings.put("discovery.initial_state_timeout", "0s");
            }
        });

        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM from `engine.sh stop`: close nodes so Lucene commits cleanly.
            try {
                runner.close();
            } catch (final Exception e) {
                System.err.println("Error while closing nodes: " + e);
            }
            stopped.countDown();
        }, "engine-shutdown"));

        try {
            runner.build(OpenSearchRunner.newConfigs()
                    .basePath(basePath.toString())
                    .numOfNode(process ? 1 : numNodes)
                    .clusterName(clusterName)
                    .baseHttpPort(http0 - 1)); // runner uses base+id; kept consistent with http.port
        } catch (final RuntimeException e) {
            // Half-started nodes keep non-daemon threads alive; exit now so
            // engine.sh sees the failure at once. Last line = the useful cause.
            e.printStackTrace();
            final StringBuilder causes = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                causes.append("\n  caused by: ").append(t);
            }
            System.err.println("ENGINE FAILED TO START:" + causes);
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }

        if (cluster) {
            try {
                startControlServer(runner, controlPort);
            } catch (final IOException e) {
                // The cluster itself is fine; only node-stop/node-start won't work.
                System.err.println("WARNING: control endpoint not started on port "
                        + controlPort + ": " + e);
            }
        }
        if (process) {
            System.out.println("ENGINE STARTED mode=process node=" + onlyNode + " of " + numNodes
                    + " http=127.0.0.1:" + (http0 + onlyNode - 1) + " data=" + basePath);
        } else {
            System.out.println("ENGINE STARTED mode=" + mode + " nodes=" + numNodes
                    + " http=127.0.0.1:" + http0 + (numNodes > 1 ? "-" + (http0 + numNodes - 1) : "")
                    + " data=" + basePath);
        }
        stopped.await();
    }

    private static List<String> nodeNames(final int count) {
        final List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add("node-" + i);
        }
        return names;
    }

    /** Loopback-only endpoint to stop/start single nodes of the in-JVM cluster. */
    private static void startControlServer(final OpenSearchRunner runner, final int port)
            throws IOException {
        final HttpServer server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/nodes", exchange -> {
            try {
                handleControl(runner, exchange);
            } catch (final Exception e) {
                reply(exchange, 500, "error: " + e + "\n");
            }
        });
        server.start();
        System.out.println("Control endpoint: http://127.0.0.1:" + port + "/nodes");
    }

    private static synchronized void handleControl(final OpenSearchRunner runner,
            final HttpExchange exchange) throws IOException {
        final String[] parts = exchange.getRequestURI().getPath().split("/");
        // parts: ["", "nodes"] or ["", "nodes", "{i}", "stop|start"]
        if (parts.length == 2) {
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i < runner.getNodeSize(); i++) {
                final Node node = runner.getNode(i);
                sb.append(i + 1).append(' ').append(node.settings().get("node.name"))
                        .append(' ').append(node.isClosed() ? "stopped" : "running").append('\n');
            }
            reply(exchange, 200, sb.toString());
            return;
        }
        if (parts.length != 4 || !"POST".equals(exchange.getRequestMethod())) {
            reply(exchange, 400, "usage: GET /nodes | POST /nodes/{i}/stop | POST /nodes/{i}/start\n");
            return;
        }
        final int index = Integer.parseInt(parts[2]) - 1;
        final Node node = runner.getNode(index);
        if (node == null) {
            reply(exchange, 404, "no such node\n");
            return;
        }
        if ("stop".equals(parts[3])) {
            if (!node.isClosed()) {
                node.close();
                // Wait for thread pools to drain so a later restart can re-lock the data dir.
                try {
                    node.awaitClose(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            reply(exchange, 200, "stopped node-" + (index + 1) + "\n");
        } else if ("start".equals(parts[3])) {
            final boolean started = node.isClosed() ? runner.startNode(index) : true;
            reply(exchange, started ? 200 : 500,
                    (started ? "started" : "failed to start") + " node-" + (index + 1) + "\n");
        } else {
            reply(exchange, 400, "unknown action\n");
        }
    }

    private static void reply(final HttpExchange exchange, final int status, final String body)
            throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
        }
    }

    private static String env(final String name, final String fallback) {
        final String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    private static int intEnv(final String name, final int fallback) {
        final String v = env(name, null);
        return v == null ? fallback : Integer.parseInt(v);
    }
}
