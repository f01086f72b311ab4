package io.mnemos.acl;

/** An ACL rule that could not be applied; the message is acl.c's ACLSetUserStringError text. */
public final class AclRuleException extends Exception {
    public static final String UNKNOWN = "Unknown command or category name in ACL";
    public static final String SYNTAX = "Syntax error";
    public static final String KEYS_AFTER_ALL = "Adding a pattern after the * pattern (or the 'allkeys' flag) is not "
            + "valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    public static final String CHANNELS_AFTER_ALL = "Adding a pattern after the * pattern (or the 'allchannels' flag) "
            + "is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";
    public static final String NO_SUCH_PASSWORD = "The password you are trying to remove from the user does not exist";
    public static final String BAD_HASH = "The password hash must be exactly 64 characters and contain only "
            + "lowercase hexadecimal characters";
    public static final String DUPLICATE_USER = "Duplicate user found. A user can only be defined once in config files";
    public static final String FIRSTARG_OF_SUB = "Allowing first-arg of a subcommand is not supported";

    public AclRuleException(String message) {
        super(message, null, false, false);
    }

    /** True for ENOENT (unknown command or category), which config-file validation tolerates. */
    public boolean unknownName() {
        return UNKNOWN.equals(getMessage());
    }

    /** A rule of ACL SETUSER that failed: the rule as given and the reason. */
    public static final class Failed extends Exception {
        public final String rule;

        public Failed(String rule, String reason) {
            super(reason, null, false, false);
            this.rule = rule;
        }
    }
}
