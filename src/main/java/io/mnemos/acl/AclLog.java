package io.mnemos.acl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;

/** The ACL LOG: denied commands, keys, channels and failed AUTHs, newest first, grouped as acl.c does. */
public final class AclLog {
    public static final int REASON_COMMAND = 1;
    public static final int REASON_KEY = 2;
    public static final int REASON_AUTH = 3;
    public static final int REASON_CHANNEL = 4;
    public static final int CONTEXT_TOPLEVEL = 0;
    public static final int CONTEXT_MULTI = 1;
    public static final int CONTEXT_LUA = 2;
    private static final long GROUPING_MAX_DELTA_MILLIS = 60000;

    /** One entry; count and ctime/client info change when a similar denial happens again. */
    public static final class Entry {
        long count = 1;
        final int reason;
        final int context;
        final byte[] object;
        final String username;
        long ctime;
        String clientInfo;

        Entry(int reason, int context, byte[] object, String username, long ctime, String clientInfo) {
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.ctime = ctime;
            this.clientInfo = clientInfo;
        }

        public long count() {
            return count;
        }

        public String reason() {
            return switch (reason) {
                case REASON_COMMAND -> "command";
                case REASON_KEY -> "key";
                case REASON_CHANNEL -> "channel";
                case REASON_AUTH -> "auth";
                default -> "unknown";
            };
        }

        public String context() {
            return switch (context) {
                case CONTEXT_TOPLEVEL -> "toplevel";
                case CONTEXT_MULTI -> "multi";
                case CONTEXT_LUA -> "lua";
                default -> "unknown";
            };
        }

        public byte[] object() {
            return object;
        }

        public String username() {
            return username;
        }

        public long ctime() {
            return ctime;
        }

        public String clientInfo() {
            return clientInfo;
        }

        boolean matches(Entry o) {
            return reason == o.reason && context == o.context
                    && Math.abs(ctime - o.ctime) <= GROUPING_MAX_DELTA_MILLIS
                    && java.util.Arrays.equals(object, o.object) && username.equals(o.username);
        }
    }

    private final LinkedList<Entry> entries = new LinkedList<>();

    /** addACLLogEntry: bumps a similar recent entry (among the 10 newest) or adds one, trimmed to maxLen. */
    public void add(int reason, int context, byte[] object, String username, String clientInfo, long now, long maxLen) {
        Entry e = new Entry(reason, context, object, username, now, clientInfo);
        int toscan = 10;
        Iterator<Entry> it = entries.iterator();
        while (toscan-- > 0 && it.hasNext()) {
            Entry current = it.next();
            if (current.matches(e)) {
                it.remove();
                current.clientInfo = clientInfo;
                current.ctime = now;
                current.count++;
                entries.addFirst(current);
                return;
            }
        }
        entries.addFirst(e);
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }

    public List<Entry> newest(long count) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (out.size() >= count) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    public int size() {
        return entries.size();
    }

    public void reset() {
        entries.clear();
    }
}
