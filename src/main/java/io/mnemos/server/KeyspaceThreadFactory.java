package io.mnemos.server;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * Netty's thread for the keyspace event loop, with a deep stack: Lua scripts run on this thread
 * (LuaJ recurses on the Java stack, one Java call chain per Lua call), and Redis lets a script nest
 * thousands of calls before "stack overflow". The stack is reserved address space, committed only
 * as deep as it is used.
 */
public final class KeyspaceThreadFactory extends DefaultThreadFactory {
    /** Also the script thread's (Scripting), where a suspended script goes on. */
    public static final long STACK_SIZE = 512L * 1024 * 1024;

    KeyspaceThreadFactory() {
        super(MultiThreadIoEventLoopGroup.class);
    }

    @Override
    protected Thread newThread(Runnable r, String name) {
        return new FastThreadLocalThread(threadGroup, r, name, STACK_SIZE);
    }
}
