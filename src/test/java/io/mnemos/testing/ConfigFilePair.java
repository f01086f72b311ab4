package io.mnemos.testing;

import io.mnemos.server.Server;
import io.mnemos.server.ServerConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real redis-server and a Mnemos started from the same config file text (each its own copy, so
 * CONFIG REWRITE can be compared), each with its own data directory under {@code dir} (a config with
 * save points makes both save on shutdown, which must not land in the working directory), and a
 * connection to each.
 */
public final class ConfigFilePair implements AutoCloseable {
    public final Path redisConf;
    public final Path mnemosConf;
    public final Path mnemosDir;
    public final RespConnection real;
    public final RespConnection ours;
    private final RealRedis redis;
    private final Server mnemos;

    private ConfigFilePair(Path redisConf, Path mnemosConf, Path mnemosDir, RealRedis redis, Server mnemos)
            throws IOException {
        this.redisConf = redisConf;
        this.mnemosConf = mnemosConf;
        this.mnemosDir = mnemosDir;
        this.redis = redis;
        this.mnemos = mnemos;
        this.real = new RespConnection("127.0.0.1", redis.port());
        this.ours = new RespConnection("127.0.0.1", mnemos.port());
    }

    /** Both servers from {@code config}, with {@code extraArgs} on both command lines. */
    public static ConfigFilePair start(Path dir, String config, String... extraArgs) throws Exception {
        Path redisConf = Files.writeString(dir.resolve("redis.conf"), config);
        Path mnemosConf = Files.writeString(dir.resolve("mnemos.conf"), config);
        Path redisDir = Files.createDirectories(dir.resolve("r"));
        Path mnemosDir = Files.createDirectories(dir.resolve("m"));
        List<String> mnemosArgs = new ArrayList<>(List.of(mnemosConf.toString(), "--port", "0",
                "--bind", "127.0.0.1", "--dir", mnemosDir.toString()));
        mnemosArgs.addAll(List.of(extraArgs));
        List<String> redisArgs = new ArrayList<>(List.of("--dir", redisDir.toString()));
        redisArgs.addAll(List.of(extraArgs));
        Server mnemos = new Server(ServerConfig.fromArgs(mnemosArgs.toArray(String[]::new))).start();
        RealRedis redis = null;
        try {
            redis = RealRedis.startWithConfigFile(redisConf, redisArgs.toArray(String[]::new));
            return new ConfigFilePair(redisConf, mnemosConf, mnemosDir, redis, mnemos);
        } catch (Exception e) {
            if (redis != null) {
                redis.close();
            }
            mnemos.stop();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            real.close();
            ours.close();
            redis.close();
        } finally {
            mnemos.stop();
        }
    }
}
