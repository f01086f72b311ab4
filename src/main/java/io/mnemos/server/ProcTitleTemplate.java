package io.mnemos.server;

import java.util.Set;

/**
 * validateProcTitleTemplate: proc-title-template must expand (sdstemplate: {name} variables, "{{"
 * for a brace) with known variables only, to something not blank for a process with no title yet.
 * Mnemos sets no process title (a JVM cannot), so this is all the option does.
 */
final class ProcTitleTemplate {
    private static final Set<String> VARIABLES = Set.of("title", "listen-addr", "server-mode", "port", "tls-port",
            "unixsocket", "config-file");

    private ProcTitleTemplate() {
    }

    static boolean valid(String template, String configFile) {
        StringBuilder expanded = new StringBuilder();
        int p = 0;
        while (p < template.length()) {
            int sv = template.indexOf('{', p);
            if (sv < 0) {
                expanded.append(template, p, template.length());
                break;
            }
            expanded.append(template, p, sv);
            if (sv + 1 >= template.length()) {
                return false;
            }
            if (template.charAt(sv + 1) == '{') {
                expanded.append('{');
                p = sv + 2;
                continue;
            }
            int ev = template.indexOf('}', sv + 1);
            if (ev < 0) {
                return false;
            }
            String name = template.substring(sv + 1, ev);
            if (!VARIABLES.contains(name)) {
                return false;
            }
            // What redisProcTitleGetVariable gives while validating: an empty title, no server mode,
            // no Unix socket; an address and ports are never empty.
            expanded.append(switch (name) {
                case "title", "server-mode", "unixsocket" -> "";
                case "config-file" -> configFile;
                default -> "x";
            });
            p = ev + 1;
        }
        return !expanded.toString().strip().isEmpty();
    }
}
