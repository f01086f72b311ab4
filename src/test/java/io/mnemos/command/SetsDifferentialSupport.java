package io.mnemos.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reply normalisation shared by the set and sorted set differential tests. */
final class SetsDifferentialSupport {
    private SetsDifferentialSupport() {
    }

    /**
     * Sorts the items of a flat array reply (groups of {@code group} bulk strings) after skipping
     * {@code skipLines} header lines, so that hashtable iteration order does not matter.
     */
    static String sortedItems(String reply, int skipLines, int group) {
        if (!reply.startsWith("*") && !reply.startsWith("~")) {
            return reply;
        }
        String[] lines = reply.replace("\r\n", "\n").split("\n", -1);
        int itemLines = 2 * group;
        List<String> items = new ArrayList<>();
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < skipLines && i < lines.length; i++) {
            head.append(lines[i]).append("\n");
        }
        for (int i = skipLines; i + itemLines <= lines.length - 1; i += itemLines) {
            items.add(String.join("\n", Arrays.copyOfRange(lines, i, i + itemLines)));
        }
        items.sort(null);
        return head + String.join("\n", items) + "|";
    }

    /** The shape of a random reply: its type line only. */
    static String shape(String reply) {
        if (reply.startsWith("$") && !reply.startsWith("$-1")) {
            return "$";
        }
        int eol = reply.indexOf("\n");
        return eol < 0 ? reply : reply.substring(0, eol);
    }
}
