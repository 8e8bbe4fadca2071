package dev.portcullis.cli;

import dev.portcullis.config.OktaConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.directory.OrgGroups;
import dev.portcullis.tools.GroupCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Okta org that a config's {@code okta} section names, for {@code validate --okta} and
 * {@code report --members}: blocking calls, on the command line's own thread.
 */
final class OrgDirectory {
    private OrgDirectory() {
    }

    /** The reader, or null after one line on {@code err} when the config names no org or no credentials. */
    static OrgGroups open(ProxyConfig config, String verb, PrintWriter err) {
        OktaConfig okta = config.okta();
        if (okta == null || !okta.directoryApi()) {
            err.println(verb + ": the config needs okta.org_url and okta.api_token_file, okta.api_token_env or"
                    + " okta.service_app to read the org's groups");
            return null;
        }
        try {
            return OrgGroups.open(okta, Clock.systemUTC());
        } catch (IOException | RuntimeException e) {
            err.println(verb + ": cannot use the Okta credentials: " + e.getMessage());
            return null;
        }
    }

    /** Each group the rules name to its members' logins; a group the org lacks has none. */
    static Map<String, List<String>> members(ProxyConfig config, OrgGroups org, PrintWriter err) throws IOException {
        Map<String, String> ids = org.groups();
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String group : GroupCheck.names(config)) {
            String id = ids.get(group);
            if (id == null) {
                err.println("report --members: group '" + group + "' is not in the Okta org: nobody is in it"
                        + " (portcullis validate --okta names the nearest)");
            }
            out.put(group, id == null ? List.of() : org.members(id));
        }
        return out;
    }
}
