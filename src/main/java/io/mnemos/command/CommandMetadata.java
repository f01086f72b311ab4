package io.mnemos.command;

import io.mnemos.protocol.ReplyWriter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Redis 7.0's command metadata that a {@link CommandSpec} does not declare: key specs, tips, the
 * ACL categories Redis does not derive from flags, and the documentation extras of COMMAND DOCS
 * (doc flags, deprecation, history, argument descriptions). It is copied from a real redis-server
 * by {@code scripts/gen_command_metadata.py} into {@code redis-commands.meta}; values are kept as
 * parsed RESP3 trees and rendered through {@link ReplyWriter}, so RESP2 clients get the flat forms.
 */
public final class CommandMetadata {
    private static final String RESOURCE = "redis-commands.meta";
    private static final Map<String, Map<String, Object>> BY_NAME = load();

    private CommandMetadata() {
    }

    /** A RESP3 value: type is the RESP3 type byte; text for strings, number for integers, items for aggregates. */
    public record Node(char type, String text, long number, List<Node> items) {
        /** The value under {@code key} of a map node, or null. */
        public Node get(String key) {
            if (type != '%' || items == null) {
                return null;
            }
            for (int i = 0; i + 1 < items.size(); i += 2) {
                if (key.equals(items.get(i).text)) {
                    return items.get(i + 1);
                }
            }
            return null;
        }

        public void write(ReplyWriter w) {
            switch (type) {
                case '+' -> w.simple(text);
                case '$' -> w.bulk(text);
                case ':' -> w.integer(number);
                case '_' -> w.nullBulk();
                case '#' -> w.bool(number != 0);
                case '*' -> {
                    w.arrayHeader(items.size());
                    items.forEach(n -> n.write(w));
                }
                case '~' -> {
                    w.setHeader(items.size());
                    items.forEach(n -> n.write(w));
                }
                case '%' -> {
                    w.mapHeader(items.size() / 2);
                    items.forEach(n -> n.write(w));
                }
                default -> throw new IllegalStateException("unsupported RESP3 type " + type);
            }
        }
    }

    /** Whether Redis 7.0 has a command (or {@code parent|sub} subcommand) of that name. */
    public static boolean known(String fullName) {
        return BY_NAME.containsKey(fullName);
    }

    /** The ACL categories Redis declares explicitly for the command, or null if unknown. */
    @SuppressWarnings("unchecked")
    public static List<String> explicitCategories(String fullName) {
        Map<String, Object> m = BY_NAME.get(fullName);
        return m == null ? null : (List<String>) m.get("acl");
    }

    /** A RESP3 field (tips, keyspecs, doc:history, ...) of the command, or null. */
    public static Node field(String fullName, String field) {
        Map<String, Object> m = BY_NAME.get(fullName);
        return m == null ? null : (Node) m.get(field);
    }

    private static Map<String, Map<String, Object>> load() {
        Map<String, Map<String, Object>> result = new HashMap<>();
        try (InputStream in = CommandMetadata.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return result;
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                String[] parts = line.split("\t", -1);
                if (parts.length != 3) {
                    continue;
                }
                Map<String, Object> fields = result.computeIfAbsent(parts[0], k -> new LinkedHashMap<>());
                if (parts[1].equals("acl")) {
                    fields.put("acl", parts[2].isEmpty() ? List.of() : List.of(parts[2].split(",")));
                } else {
                    byte[] raw = Base64.getDecoder().decode(parts[2]);
                    fields.put(parts[1], new Parser(raw).parse());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** Names of every command known to the metadata (for tests). */
    public static Set<String> names() {
        return BY_NAME.keySet();
    }

    private static final class Parser {
        private final byte[] b;
        private int pos;

        Parser(byte[] b) {
            this.b = b;
        }

        Node parse() {
            char type = (char) b[pos++];
            String head = line();
            switch (type) {
                case '+', '-' -> {
                    return new Node(type, head, 0, null);
                }
                case ':' -> {
                    return new Node(type, null, Long.parseLong(head), null);
                }
                case '_' -> {
                    return new Node(type, null, 0, null);
                }
                case '#' -> {
                    return new Node(type, null, head.equals("t") ? 1 : 0, null);
                }
                case '$' -> {
                    int n = Integer.parseInt(head);
                    String text = new String(b, pos, n, StandardCharsets.UTF_8);
                    pos += n + 2;
                    return new Node(type, text, 0, null);
                }
                case '*', '~', '%' -> {
                    int n = Integer.parseInt(head) * (type == '%' ? 2 : 1);
                    List<Node> items = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        items.add(parse());
                    }
                    return new Node(type, null, 0, List.copyOf(items));
                }
                default -> throw new IllegalStateException("unsupported RESP3 type " + type);
            }
        }

        private String line() {
            int start = pos;
            while (b[pos] != '\r') {
                pos++;
            }
            String s = new String(b, start, pos - start, StandardCharsets.UTF_8);
            pos += 2;
            return s;
        }
    }
}
