package io.mnemos.server;

import java.util.ArrayList;
import java.util.List;

/**
 * One address of the {@code bind} option, as Redis reads it: a leading {@code -} makes it optional
 * (skipped when it cannot be bound), {@code *} is every IPv4 and {@code ::*} every IPv6 interface.
 */
public record BindAddress(String host, boolean optional) {

    /** The addresses of a {@code bind} value, in order. */
    public static List<BindAddress> parse(String bind) {
        List<BindAddress> out = new ArrayList<>();
        for (String address : bind.trim().split("\\s+")) {
            boolean optional = address.startsWith("-");
            String host = optional ? address.substring(1) : address;
            out.add(new BindAddress(switch (host) {
                case "*" -> "0.0.0.0";
                case "::*" -> "::";
                default -> host;
            }, optional));
        }
        return out;
    }
}
