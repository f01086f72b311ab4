package io.mnemos.store;

/** The value types of Redis, with the names TYPE and SCAN's TYPE filter use. */
public enum ValueType {
    STRING("string"),
    LIST("list"),
    SET("set"),
    ZSET("zset"),
    HASH("hash"),
    STREAM("stream");

    private final String typeName;

    ValueType(String typeName) {
        this.typeName = typeName;
    }

    public String typeName() {
        return typeName;
    }

    /** Strings are stored as plain byte arrays; every other type is a {@link TypedValue}. */
    public static ValueType of(Object value) {
        if (value instanceof byte[]) {
            return STRING;
        }
        return ((TypedValue) value).type();
    }

    public static ValueType byName(String name) {
        for (ValueType t : values()) {
            if (t.typeName.equalsIgnoreCase(name)) {
                return t;
            }
        }
        return null;
    }
}
