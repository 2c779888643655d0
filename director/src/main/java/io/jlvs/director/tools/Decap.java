package io.jlvs.director.tools;

import io.jlvs.core.net.Ipv4;
import io.jlvs.dataplane.decap.IpipDecapsulator;
import io.jlvs.dataplane.io.RxRing;
import io.jlvs.dataplane.io.RxRingConfig;
import io.jlvs.dataplane.sys.NativeException;
import io.jlvs.dataplane.sys.TunDevice;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jlvs decap}: the user-space stand-in for {@code tunl0} on a real server whose kernel
 * has no {@code ipip} module. It reads the IPIP packets (IP protocol 4) addressed to this host
 * from an AF_PACKET ring on {@code --interface}, strips the outer header and writes the inner
 * packet to a TUN device that holds the VIP, so the kernel delivers it locally and the real
 * server answers the client directly, as with LVS-TUN.
 *
 * <p>Without {@code ipip} the kernel answers every IPIP packet with ICMP "protocol
 * unreachable" to the director; an nftables table {@code ip jlvs_decap} (input hook, dropping
 * IP protocol 4 to the local address) keeps it quiet while the decapsulator runs (AF_PACKET sees
 * the packets before that hook). The table and the device go away on SIGTERM or SIGINT.
 */
@Command(name = "decap", mixinStandardHelpOptions = true,
        description = "User-space IPIP decapsulator: AF_PACKET in, TUN device out (stands in for tunl0).")
public final class Decap implements Callable<Integer> {
    /** The device name the lab and {@code jlvs realserver --mode tun} expect. */
    public static final String DEFAULT_DEVICE = "jlvs-decap0";
    /** The nftables table that drops IPIP packets from the kernel's view. */
    public static final String NFT_TABLE = "jlvs_decap";

    private static final int RING_FRAMES = 1024;
    private static final int POLL_TIMEOUT_MS = 100;
    private static final long COMMAND_TIMEOUT_S = 10;
    private static final long STOP_TIMEOUT_S = 5;

    @Option(names = "--interface", required = true, description = "Interface the IPIP packets arrive on, e.g. eth0.")
    String interfaceName;

    @Option(names = "--device", defaultValue = DEFAULT_DEVICE,
            description = "TUN device to create (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--vip", description = "VIP to put on the device as a /32 (repeatable).")
    List<String> vips = new ArrayList<>();

    @Option(names = "--local", description = "Outer destination to accept (default: the interface's first IPv4 address).")
    String local;

    @Option(names = "--no-nft", description = "Do not install the nftables rule that stops the kernel's ICMP protocol-unreachable replies.")
    boolean noNft;

    private final PrintStream out;
    private volatile boolean running = true;

    /** Reports to standard output. */
    public Decap() {
        this(System.out);
    }

    Decap(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        int localAddress;
        try {
            localAddress = local != null ? Ipv4.parse(local) : firstAddress(interfaceName);
            for (String vip : vips) {
                Ipv4.parse(vip);
            }
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("jlvs decap: " + e.getMessage());
            return 2;
        }
        TunDevice tun;
        RxRing ring;
        try {
            tun = TunDevice.open(device);
        } catch (NativeException e) {
            System.err.println("jlvs decap: cannot create TUN device " + device + ": " + e.getMessage()
                    + " (needs root and /dev/net/tun)");
            return 1;
        }
        boolean nftInstalled = false;
        try {
            run("ip", "link", "set", tun.name(), "up");
            for (String vip : vips) {
                run("ip", "addr", "replace", vip + "/32", "dev", tun.name());
            }
            if (!noNft) {
                nftInstalled = installNft(localAddress);
            }
            ring = RxRing.open(RxRingConfig.of(interfaceName).withFrames(RING_FRAMES));
        } catch (IOException | IllegalStateException e) {
            System.err.println("jlvs decap: " + e.getMessage());
            if (nftInstalled) {
                removeNft();
            }
            tun.close();
            return 1;
        }
        IpipDecapsulator decapsulator = new IpipDecapsulator(tun::write, localAddress);
        boolean cleanUpNft = nftInstalled;
        CountDownLatch cleanedUp = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            running = false;
            try {
                cleanedUp.await(STOP_TIMEOUT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "decap-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        out.println("jlvs decap: IPIP to " + Ipv4.format(localAddress) + " on " + interfaceName + " -> " + tun.name()
                + (vips.isEmpty() ? "" : " (VIP " + String.join(", ", vips) + ")")
                + (cleanUpNft ? "; nft table ip " + NFT_TABLE + " drops IPIP from the kernel's view" : ""));
        out.flush();
        try {
            while (running) {
                ring.receive(decapsulator, POLL_TIMEOUT_MS);
            }
        } finally {
            ring.close();
            tun.close();
            if (cleanUpNft) {
                removeNft();
            }
            out.println("jlvs decap: stopped; decapsulated " + decapsulator.decapsulated() + ", not for us "
                    + decapsulator.notForUs() + ", malformed " + decapsulator.malformed() + ", fragments "
                    + decapsulator.fragments() + ", refused by the device " + decapsulator.sinkErrors());
            out.flush();
            cleanedUp.countDown();
        }
        return 0;
    }

    private static int firstAddress(String name) throws SocketException {
        NetworkInterface nic = NetworkInterface.getByName(name);
        if (nic == null) {
            throw new SocketException("no interface '" + name + "'");
        }
        for (InetAddress address : nic.inetAddresses().toList()) {
            if (address instanceof Inet4Address v4) {
                return Ipv4.of(v4);
            }
        }
        throw new SocketException("interface '" + name + "' has no IPv4 address; give --local ADDRESS");
    }

    private boolean installNft(int localAddress) {
        String rules = "table ip " + NFT_TABLE + " {\n"
                + "  chain input {\n"
                + "    type filter hook input priority -300; policy accept;\n"
                + "    ip daddr " + Ipv4.format(localAddress) + " ip protocol 4 drop\n"
                + "  }\n"
                + "}\n";
        try {
            removeNftQuietly();
            Result r = exec(List.of("nft", "-f", "-"), rules);
            if (r.exitCode != 0) {
                System.err.println("jlvs decap: warning: could not install nft table ip " + NFT_TABLE + " ("
                        + r.output.strip() + "); the kernel will answer IPIP packets with ICMP protocol unreachable");
                return false;
            }
            return true;
        } catch (IOException e) {
            System.err.println("jlvs decap: warning: nft is not available (" + e.getMessage()
                    + "); the kernel will answer IPIP packets with ICMP protocol unreachable");
            return false;
        }
    }

    private static void removeNft() {
        try {
            exec(List.of("nft", "delete", "table", "ip", NFT_TABLE), null);
        } catch (IOException e) {
            System.err.println("jlvs decap: could not remove nft table ip " + NFT_TABLE + ": " + e.getMessage());
        }
    }

    private static void removeNftQuietly() throws IOException {
        exec(List.of("nft", "delete", "table", "ip", NFT_TABLE), null);
    }

    private static void run(String... command) throws IOException {
        Result r = exec(List.of(command), null);
        if (r.exitCode != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + r.exitCode + "): " + r.output.strip());
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result exec(List<String> command, String input) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var stdin = p.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            if (!p.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.exitValue(), output);
    }
}
