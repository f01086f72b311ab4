package io.mnemos.command;

import java.util.List;

/** Every command family the server offers; the command table is built from this list. */
public final class Commands {
    private Commands() {
    }

    public static List<CommandFamily> families() {
        return List.of(
                new ConnectionCommands(),
                new StringCommands(),
                new SetCommands(),
                new SortedSetCommands(),
                new GeoCommands(),
                new KeyCommands(),
                new SortCommand(),
                new MigrateCommand(),
                new LolwutCommand(),
                new ListCommands(),
                new HashCommands(),
                new StreamCommands(),
                new StreamGroupCommands(),
                new BitmapCommands(),
                new HyperLogLogCommands(),
                new PubSubCommands(),
                new ClientCommands(),
                new ServerCommands(),
                new CommandIntrospection(),
                new BlockingCommands(),
                new TransactionCommands(),
                new DebugCommands(),
                new AclCommands(),
                new MonitorCommands(),
                new ScriptingCommands(),
                new io.mnemos.persistence.AofCommands(),
                new PersistenceCommands(),
                new ReplicationCommands(),
                new ClusterCommands(),
                new ModuleCommands());
    }
}
