package io.mnemos.acl;

import io.mnemos.command.CommandSpec;
import io.mnemos.command.CommandTable;
import io.mnemos.command.Commands;
import io.mnemos.server.ConfigException;
import io.mnemos.server.ConfigOption;
import io.mnemos.server.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The security settings of the config file: protected-mode, aclfile, acllog-max-len,
 * acl-pubsub-default, "user" lines and rename-command, validated as config.c does.
 */
public final class AclConfig {
    private static final Logger log = LoggerFactory.getLogger(AclConfig.class);
    private static AclStore validator;
    private static Set<String> defaultNames;

    private AclConfig() {
    }

    /** Adds the options to CONFIG GET/SET. */
    public static void register(ServerConfig config) {
        config.register(ConfigOption.bool("protected-mode", true, () -> config.protectedMode,
                v -> config.protectedMode = v));
        config.register(ConfigOption.string("aclfile", false, () -> config.aclfile, v -> config.aclfile = v));
        config.register(ConfigOption.integer("acllog-max-len", true, 0, Long.MAX_VALUE, () -> config.acllogMaxLen,
                v -> config.acllogMaxLen = v));
        config.register(ConfigOption.of("acl-pubsub-default", true,
                () -> config.aclPubsubAllChannels ? "allchannels" : "resetchannels", v -> {
                    switch (v.toLowerCase(Locale.ROOT)) {
                        case "allchannels" -> config.aclPubsubAllChannels = true;
                        case "resetchannels" -> config.aclPubsubAllChannels = false;
                        default -> throw new ConfigException("argument(s) must be one of the following: "
                                + "allchannels, resetchannels");
                    }
                }));
        // Immutable, as in Redis: a client must not be able to grant itself these at runtime.
        config.register(ConfigOption.choice("enable-debug-command", false, ProtectedAction.names(),
                () -> config.enableDebugCommand.configName(), v -> config.enableDebugCommand = ProtectedAction.of(v)));
        config.register(ConfigOption.choice("enable-module-command", false, ProtectedAction.names(),
                () -> config.enableModuleCommand.configName(), v -> config.enableModuleCommand = ProtectedAction.of(v)));
        config.register(ConfigOption.choice("enable-protected-configs", false, ProtectedAction.names(),
                () -> config.enableProtectedConfigs.configName(),
                v -> config.enableProtectedConfigs = ProtectedAction.of(v)));
    }

    private static synchronized AclStore validator() {
        if (validator == null) {
            CommandTable table = new CommandTable(Commands.families());
            validator = new AclStore(table.all());
            defaultNames = new HashSet<>();
            for (CommandSpec spec : table.all()) {
                defaultNames.add(spec.name());
            }
        }
        return validator;
    }

    /** A "user" or "rename-command" line of the config file: null when accepted, else config.c's error. */
    public static String directive(ServerConfig config, List<String> words) {
        String name = words.get(0).toLowerCase(Locale.ROOT);
        if (name.equals("user")) {
            if (words.size() < 2) {
                return "Bad directive or wrong number of arguments";
            }
            for (List<String> existing : config.userDirectives) {
                if (existing.get(1).equals(words.get(1))) {
                    return "Error in user declaration '" + words.get(1) + "': " + AclRuleException.DUPLICATE_USER;
                }
            }
            AclStore store = validator();
            store.allChannelsDefault = config.aclPubsubAllChannels;
            Object[] error = store.validateUserLine(words);
            if (error != null) {
                // config.c quotes argv[argc_err] with the index of the rule: Redis's own off-by-two.
                int idx = (Integer) error[0];
                return "Error in user declaration '" + words.get(Math.min(idx, words.size() - 1)) + "': " + error[1];
            }
            config.userDirectives.add(List.copyOf(words));
            return null;
        }
        if (words.size() != 3) {
            return "Bad directive or wrong number of arguments";
        }
        validator();
        Set<String> names = new HashSet<>(defaultNames);
        for (String[] r : config.renamedCommands) {
            names.remove(r[0]);
            if (!r[1].isEmpty()) {
                names.add(r[1]);
            }
        }
        String from = words.get(1).toLowerCase(Locale.ROOT);
        String to = words.get(2).toLowerCase(Locale.ROOT);
        if (!names.remove(from)) {
            return "No such command in rename-command";
        }
        if (!to.isEmpty() && names.contains(to)) {
            return "Target command name already exists";
        }
        config.renamedCommands.add(new String[]{from, to});
        return null;
    }

    /** The server's ACL store over its original command table, then rename-command applied. */
    public static AclStore createStore(ServerConfig config, CommandTable table) {
        AclStore store = new AclStore(table.all());
        store.allChannelsDefault = config.aclPubsubAllChannels;
        store.logMaxLen = config.acllogMaxLen;
        store.updateDefaultPassword(config.requirepass);
        config.onChange("requirepass", () -> store.updateDefaultPassword(config.requirepass));
        config.onChange("acl-pubsub-default", () -> store.allChannelsDefault = config.aclPubsubAllChannels);
        config.onChange("acllog-max-len", () -> store.logMaxLen = config.acllogMaxLen);
        for (String[] r : config.renamedCommands) {
            table.rename(r[0], r[1]);
        }
        return store;
    }

    /** ACLLoadUsersAtStartup; throws with Redis's log text when the server must not start. */
    public static void loadUsersAtStartup(ServerConfig config, AclStore store) {
        if (!config.aclfile.isEmpty() && !config.userDirectives.isEmpty()) {
            throw new IllegalStateException("Configuring Redis with users defined in redis.conf and at the same "
                    + "setting an ACL file path is invalid. This setup is very likely to lead to configuration "
                    + "errors and security holes, please define either an ACL file or declare users directly in "
                    + "your redis.conf, but not both.");
        }
        String error = store.loadConfiguredUsers(config.userDirectives);
        if (error != null) {
            log.warn(error);
            throw new IllegalStateException("Critical error while loading ACLs. Exiting.");
        }
        if (!config.aclfile.isEmpty()) {
            String errors = store.loadFromFile(config.aclfile);
            if (errors != null) {
                throw new IllegalStateException("Aborting Redis startup because of ACL errors: " + errors);
            }
        }
        for (User u : store.users()) {
            if (!u.enabled() && !u.name().equals(AclStore.DEFAULT)) {
                log.info("The user '{}' is disabled (there is no 'on' modifier in the user description). Make sure "
                        + "this is not a configuration error.", u.name());
            }
        }
    }
}
