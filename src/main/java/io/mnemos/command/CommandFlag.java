package io.mnemos.command;

/** Command flags with the names COMMAND INFO reports, as in Redis's command table. */
public enum CommandFlag {
    WRITE, READONLY, DENYOOM, ADMIN, PUBSUB, NOSCRIPT, BLOCKING, LOADING, STALE, SKIP_MONITOR,
    SKIP_SLOWLOG, FAST, NO_AUTH, MAY_REPLICATE, NO_MANDATORY_KEYS, PROTECTED, NO_MULTI, MOVABLEKEYS,
    ALLOW_BUSY, ASKING, NO_ASYNC_LOADING;

    public String replyName() {
        return name().toLowerCase();
    }
}
