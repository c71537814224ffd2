package io.natrix.testkit;

import io.nats.client.NKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What a secured nats-server needs, generated into a folder of its own (0700, files 0600): one nkey per user
 * (Ed25519; the server's config holds only public keys, no secret crosses the wire), each user's permissions,
 * a certificate authority and a server certificate for {@code 127.0.0.1}/{@code localhost} (made in-process with
 * BouncyCastle, milliseconds), and a user and password for the routes between clustered servers.
 *
 * <pre>{@code
 * NatsSecurity security = NatsSecurity.generate(dir, Map.of(
 *         "admin", NatsSecurity.User.admin(),
 *         "users", NatsSecurity.User.allowing(List.of("ms.users.*"), List.of("ms.users.* users"))));
 * NatsServerProcess.start(1, true, 0, security);          // refuses anonymous and plaintext clients
 * Natrix.builder().servers(server.url()).credentials(security.seed("users")).trust(security.ca())...
 * }</pre>
 */
public final class NatsSecurity {

    /** BouncyCastle's switch between its native code and its Java ({@code java}). */
    private static final String BOUNCYCASTLE_NATIVE = "org.bouncycastle.native.cpu_variant";

    /** The name of the user {@link NatsServerProcess} itself connects as (to see that JetStream has a leader). */
    public static final String ADMIN = "admin";
    /** In a supercluster, the account every user is in. */
    public static final String APPLICATION_ACCOUNT = "APP";
    /** In a supercluster, the servers' own account (gateways and leaf nodes need one). */
    public static final String SYSTEM_ACCOUNT = "SYS";

    static {
        // BouncyCastle's LTS build unpacks native code into a bc-lts-jni* folder of java.io.tmpdir that only its
        // shutdown hook removes: every JVM that made keys and was then killed (SIGKILL) left one behind. Making a
        // run's keys and certificates needs no speed its native code would add; a user's own choice stands.
        if (System.getProperty(BOUNCYCASTLE_NATIVE) == null) {
            System.setProperty(BOUNCYCASTLE_NATIVE, "java");
        }
    }

    /**
     * One user's permissions: what it may publish and subscribe to ({@code "ms.users.* users"} names a queue
     * group), and whether it may answer requests it received ({@code allow_responses}) without a right to
     * publish on their reply subjects. An empty allow list with {@code everything} true is an admin.
     */
    public record User(List<String> publish, List<String> subscribe, boolean answers, boolean everything) {

        public User {
            publish = List.copyOf(publish);
            subscribe = List.copyOf(subscribe);
            if (answers && publish.stream().anyMatch(subject -> subject.equals(">") || subject.startsWith("_INBOX"))) {
                // nats-server 2.9 counts a reply as used only when allow_responses is what let it through; one the
                // publish list lets through stays in the reply map, which is then scanned whole on every message
                throw new IllegalArgumentException("a user that answers requests (allow_responses) may not also publish on"
                        + " reply subjects (" + publish + "): nats-server would keep every reply subject it delivered and"
                        + " scan them all on each message; list the subjects it publishes instead");
            }
        }

        /** Publishes and subscribes to anything: provisioning, tooling, tests' observers. */
        public static User admin() {
            return new User(List.of(), List.of(), true, true);
        }

        /** Only these subjects, and answers to requests it receives. */
        public static User allowing(List<String> publish, List<String> subscribe) {
            return new User(publish, subscribe, true, false);
        }

        /**
         * An instance of {@code service}: serves {@code endpoints} ({@link #serving}), reads replies only under its
         * own {@link #inboxPrefix}, hears {@code hears}, publishes {@code publishes}, and answers the requests it
         * receives. Its connections must use that inbox prefix ({@code Natrix.Builder.inboxPrefix}).
         */
        public static User service(String service, List<String> endpoints, List<String> hears, List<String> publishes) {
            List<String> subscribe = new ArrayList<>(serving(service, endpoints));
            subscribe.add(inboxPrefix(service) + ".>");
            subscribe.addAll(hears);
            return allowing(publishes, subscribe);
        }

        /**
         * What serving {@code endpoints} takes: each only in {@code service}'s queue group (a plain subscription,
         * which would take a copy of every request, is refused), and the discovery subjects an instance answers.
         */
        public static List<String> serving(String service, List<String> endpoints) {
            List<String> subscribe = new ArrayList<>();
            endpoints.forEach(endpoint -> subscribe.add(endpoint + " " + service));
            subscribe.addAll(List.of("$SRV.PING", "$SRV.INFO", "$SRV.STATS", "$SRV.*." + service, "$SRV.*." + service + ".*"));
            return subscribe;
        }

        /** The reply prefix of {@code user}'s connections, the one inbox it may read: {@code _INBOX_ride_quotes}. */
        public static String inboxPrefix(String user) {
            return "_INBOX_" + user.replace('-', '_');
        }
    }

    private final Path dir;
    private final Map<String, String> publicKeys;
    private final Map<String, User> users;
    private final String routePassword;

    private NatsSecurity(Path dir, Map<String, String> publicKeys, Map<String, User> users, String routePassword) {
        this.dir = dir;
        this.publicKeys = publicKeys;
        this.users = users;
        this.routePassword = routePassword;
    }

    /**
     * Generates keys and certificates for {@code users} into {@code dir} (created if needed), which must include
     * an {@link #ADMIN} user.
     */
    public static NatsSecurity generate(Path dir, Map<String, User> users) {
        return generate(dir, users, List.of("ip:127.0.0.1", "dns:localhost"));
    }

    /**
     * Keys for this JVM alone, made on first use and removed when it exits: one {@link #ADMIN} user and one
     * certificate authority. What {@link NatsServerExtension}'s servers require, what a test that starts its servers
     * itself passes to {@link NatsServerProcess#start(int, boolean, int, NatsSecurity)}, and what a program's own
     * short-lived server needs (the core demo's).
     */
    public static NatsSecurity temporary() {
        return TemporaryKeys.security();
    }

    /**
     * As {@link #generate(Path, Map)}, with the names the server certificate carries ({@code ip:127.0.0.1},
     * {@code dns:localhost}): a client checks the host it connects to is one of them.
     */
    public static NatsSecurity generate(Path dir, Map<String, User> users, List<String> serverNames) {
        return prepare(dir, users, serverNames, false);
    }

    /**
     * As {@link #generate(Path, Map)}, but keeps what {@code dir} already holds from an earlier run: each user's
     * seed, the route password, and the certificates while they name the same hosts and stay valid for at least
     * another day. What is missing or expiring is generated. (A demo's clients and tools keep their credentials
     * from one start to the next.)
     */
    public static NatsSecurity reuse(Path dir, Map<String, User> users) {
        return prepare(dir, users, List.of("ip:127.0.0.1", "dns:localhost"), true);
    }

    private static NatsSecurity prepare(Path given, Map<String, User> users, List<String> serverNames, boolean reuse) {
        Path dir = given.toAbsolutePath(); // the server's config names its files
        if (!users.containsKey(ADMIN)) {
            throw new IllegalArgumentException("a secured server needs an '" + ADMIN + "' user: the test kit connects as it");
        }
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            // one process at a time: a demo and a chaos run started together must not write half each other's keys
            try (var lockFile = java.nio.channels.FileChannel.open(dir.resolve(".lock"), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE); var lock = lockFile.lock()) {
                return prepareLocked(dir, users, serverNames, reuse);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not generate NATS credentials in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static NatsSecurity prepareLocked(Path dir, Map<String, User> users, List<String> serverNames, boolean reuse) {
        try {
            SecureRandom random = new SecureRandom();
            Map<String, String> publicKeys = new LinkedHashMap<>();
            for (String user : users.keySet()) {
                Path seed = dir.resolve(user + ".nk");
                NKey key;
                if (reuse && Files.exists(seed)) {
                    key = NKey.fromSeed(Files.readString(seed, StandardCharsets.US_ASCII).strip().toCharArray());
                } else {
                    key = NKey.createUser(random);
                    privately(seed, new String(key.getSeed()).getBytes(StandardCharsets.US_ASCII));
                }
                publicKeys.put(user, new String(key.getPublicKey()));
            }
            String names = String.join(",", serverNames);
            Path namesFile = dir.resolve("server-names");
            if (!(reuse && Files.exists(namesFile) && Files.readString(namesFile).equals(names) && Certificates.validForADay(dir))) {
                Certificates.generate(dir, names);
                Files.writeString(namesFile, names);
            }
            Path passwordFile = dir.resolve("route-password");
            if (!(reuse && Files.exists(passwordFile))) {
                byte[] password = new byte[24];
                random.nextBytes(password);
                privately(passwordFile, HexFormat.of().formatHex(password).getBytes(StandardCharsets.US_ASCII));
            }
            return new NatsSecurity(dir, publicKeys, Map.copyOf(users), Files.readString(passwordFile, StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("could not generate NATS credentials in " + dir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not generate NATS credentials: " + e.getMessage(), e);
        }
    }

    /** The seed file of {@code user} (its private key; give its path, never its content, to a process). */
    public Path seed(String user) {
        if (!publicKeys.containsKey(user)) {
            throw new IllegalArgumentException("no user '" + user + "'; there are " + publicKeys.keySet());
        }
        return dir.resolve(user + ".nk");
    }

    /** The certificate authority every client trusts (PEM). */
    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /** Sets a jnats connection to authenticate as {@code user} and to trust only this authority. */
    public io.nats.client.Options.Builder as(String user, io.nats.client.Options.Builder options) {
        try {
            return options.authHandler(io.nats.client.Nats.staticCredentials(null,
                            Files.readString(seed(user), StandardCharsets.US_ASCII).toCharArray()))
                    .truststorePath(dir.resolve("truststore.p12").toString())
                    .truststorePassword(Certificates.PASSWORD.toCharArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void asAdmin(io.nats.client.Options.Builder options) {
        as(ADMIN, options);
    }

    /** The server's side: users with their permissions, and TLS. */
    List<String> serverConfig() {
        List<String> config = new ArrayList<>(tlsBlock(""));
        config.add("authorization {");
        // seconds to authenticate, TLS handshake included: a cold JVM signs its first nonce and makes its first
        // handshake in about 2 s of CPU; 14 of them starting at once on 2 cores took 13 s (measured)
        config.add("  timeout: 30");
        config.add("  users: [");
        publicKeys.forEach((name, key) -> config.add("    { nkey: " + key + permissions(users.get(name)) + " }"));
        config.add("  ]");
        config.add("}");
        return config;
    }

    /**
     * The server's side in a supercluster (gateways and leaf nodes need a system account): TLS, and the users
     * with their permissions in one application account, {@value #APPLICATION_ACCOUNT}, beside the system
     * account {@value #SYSTEM_ACCOUNT} whose one user has the links' password. The same users, keys and
     * permissions as {@link #serverConfig()}: a client cannot tell one layout from the other.
     */
    List<String> accountsConfig(boolean jetStream) {
        List<String> config = new ArrayList<>(tlsBlock(""));
        config.add("authorization { timeout: 30 }");
        config.add("accounts {");
        config.add("  " + SYSTEM_ACCOUNT + ": { users: [ { user: system, password: \"" + routePassword + "\" } ] }");
        config.add("  " + APPLICATION_ACCOUNT + ": {" + (jetStream ? " jetstream: enabled," : "") + " users: [");
        publicKeys.forEach((name, key) -> config.add("    { nkey: " + key + permissions(users.get(name)) + " }"));
        config.add("  ] }");
        config.add("}");
        config.add("system_account: " + SYSTEM_ACCOUNT);
        return config;
    }

    /** The links between servers other than routes (gateways, leaf nodes): user {@code name}, over TLS. */
    List<String> linkConfig(String name, Optional<String> account) {
        List<String> config = new ArrayList<>();
        config.add("  authorization { user: " + name + ", password: \"" + routePassword + "\""
                        + account.map(a -> ", account: " + a).orElse("") + " }");
        config.addAll(tlsBlock("  "));
        return config;
    }

    /** A remote leaf node's TLS: it checks the hub's certificate against the authority. */
    List<String> leafRemoteTls() {
        return List.of("      tls { ca_file: \"" + ca() + "\" }");
    }

    private List<String> tlsBlock(String indent) {
        return List.of(
                indent + "tls {",
                indent + "  cert_file: \"" + dir.resolve("server-cert.pem") + "\"",
                indent + "  key_file: \"" + dir.resolve("server-key.pem") + "\"",
                indent + "  ca_file: \"" + ca() + "\"",
                indent + "  timeout: 10", // seconds for a handshake: a cold JVM on a busy machine needs several
                indent + "}");
    }

    /** A gateway's or a leaf node's URL with the link's credentials. */
    String link(String scheme, String name, String host, int port) {
        return scheme + "://" + name + ":" + routePassword + "@" + host + ":" + port;
    }

    /** The routes' side: they authenticate with a generated password, over TLS. */
    List<String> clusterConfig() {
        return linkConfig("route", Optional.empty());
    }

    /** A route URL with the route's credentials. */
    String route(int port) {
        return route("127.0.0.1", port);
    }

    /** A route URL to {@code host}'s route port with the route's credentials. */
    String route(String host, int port) {
        return "nats-route://route:" + routePassword + "@" + host + ":" + port;
    }

    private static String permissions(User user) {
        if (user.everything()) {
            return "";
        }
        return ", permissions: { publish: { allow: " + list(user.publish()) + " }, subscribe: { allow: "
                + list(user.subscribe()) + " }" + (user.answers() ? ", allow_responses: { max: 1, expires: \"2m\" }" : "")
                + " }";
    }

    private static String list(List<String> subjects) {
        return subjects.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ", "[", "]"));
    }

    private static void privately(Path file, byte[] content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, content);
    }

    /**
     * A certificate authority and a server certificate signed by it, made in this process with BouncyCastle's
     * certificate builder (EC P-256, 30 days; the server's names: {@code 127.0.0.1} and {@code localhost}),
     * written as the PEM files nats-server reads, and the authority alone in a PKCS#12 trust store for jnats.
     */
    private static final class Certificates {

        /** The trust store's password: it holds nothing a process reading this folder could not read anyway. */
        static final String PASSWORD = "changeit";

        static void generate(Path dir, String names) throws IOException, GeneralSecurityException {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair caKeys = generator.generateKeyPair();
            KeyPair serverKeys = generator.generateKeyPair();
            X500Name caName = new X500Name("CN=Natrix demo CA");
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            Instant now = Instant.now();
            Date notBefore = Date.from(now.minus(Duration.ofHours(1))); // a little clock skew between hosts
            Date notAfter = Date.from(now.plus(Duration.ofDays(30)));
            SecureRandom random = new SecureRandom();
            try {
                X509Certificate ca = signed(new JcaX509v3CertificateBuilder(caName, new BigInteger(64, random), notBefore,
                        notAfter, caName, caKeys.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                        .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(caKeys.getPublic())),
                        caKeys);
                X509Certificate server = signed(new JcaX509v3CertificateBuilder(caName, new BigInteger(64, random), notBefore,
                        notAfter, new X500Name("CN=localhost"), serverKeys.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                        // routes are mutual TLS: each server is the other's client
                        .addExtension(Extension.extendedKeyUsage, false,
                                new ExtendedKeyUsage(new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                        .addExtension(Extension.subjectAlternativeName, false, alternativeNames(names))
                        .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(serverKeys.getPublic()))
                        .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca)),
                        caKeys);
                Files.writeString(dir.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()), StandardCharsets.US_ASCII);
                Files.writeString(dir.resolve("server-cert.pem"), pem("CERTIFICATE", server.getEncoded()), StandardCharsets.US_ASCII);
                byte[] serverKey = pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()).getBytes(StandardCharsets.US_ASCII);
                privately(dir.resolve("server-key.pem"), serverKey);
                KeyStore truststore = KeyStore.getInstance("PKCS12"); // the authority's certificate alone, for Java clients
                truststore.load(null, null);
                truststore.setCertificateEntry("ca", ca);
                Path truststoreFile = dir.resolve("truststore.p12");
                Files.deleteIfExists(truststoreFile);
                try (OutputStream out = Files.newOutputStream(truststoreFile)) {
                    truststore.store(out, PASSWORD.toCharArray());
                }
            } catch (OperatorCreationException e) {
                throw new GeneralSecurityException("could not sign with the authority's key: " + e.getMessage(), e);
            }
        }

        private static X509Certificate signed(X509v3CertificateBuilder certificate, KeyPair issuer)
                throws OperatorCreationException, CertificateException {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(certificate.build(signer));
        }

        /** {@code ip:127.0.0.1,dns:localhost} (the form the names file keeps) as the extension's names. */
        private static GeneralNames alternativeNames(String names) {
            List<GeneralName> general = new ArrayList<>();
            for (String name : names.split(",")) {
                int colon = name.indexOf(':');
                String value = name.substring(colon + 1);
                switch (colon < 0 ? "" : name.substring(0, colon).toLowerCase(java.util.Locale.ROOT)) {
                    case "ip" -> general.add(new GeneralName(GeneralName.iPAddress, value));
                    case "dns" -> general.add(new GeneralName(GeneralName.dNSName, value));
                    default -> throw new IllegalArgumentException("a server name is ip:ADDRESS or dns:NAME, got " + name);
                }
            }
            return new GeneralNames(general.toArray(GeneralName[]::new));
        }

        private static String pem(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        }

        /** The CA and the server certificate are there and valid for at least another day. */
        static boolean validForADay(Path dir) throws IOException {
            long tomorrow = System.currentTimeMillis() + TimeUnit.DAYS.toMillis(1);
            try {
                var certificates = java.security.cert.CertificateFactory.getInstance("X.509");
                for (String file : List.of("ca.pem", "server-cert.pem", "server-key.pem", "truststore.p12")) {
                    if (!Files.exists(dir.resolve(file))) {
                        return false;
                    }
                }
                for (String file : List.of("ca.pem", "server-cert.pem")) {
                    try (InputStream in = Files.newInputStream(dir.resolve(file))) {
                        var certificate = (java.security.cert.X509Certificate) certificates.generateCertificate(in);
                        if (certificate.getNotAfter().getTime() < tomorrow) {
                            return false;
                        }
                    }
                }
                return true;
            } catch (java.security.cert.CertificateException unreadable) {
                return false;
            }
        }
    }
}
