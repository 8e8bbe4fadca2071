package dev.portcullis.config;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code identity_assertion.key_files}: every listed file must read as a key of the assertion's algorithm
 * ({@link AssertionKeyFile}), and no key may be listed twice, each problem at its list entry. The
 * files are read at every load and reload, so a key that does not load refuses the config (and a
 * reload keeps the running keys) instead of failing later, at signing.
 */
final class AssertionKeyChecks {
    private AssertionKeyChecks() {
    }

    static void check(IdentityAssertionConfig a, Problems problems) {
        List<byte[]> seen = new ArrayList<>();
        for (int i = 0; i < a.keyFiles().size(); i++) {
            String at = "/identity_assertion/key_files/" + i;
            try {
                KeyPair pair = AssertionKeyFile.read(a.keyFiles().get(i), a.algorithm());
                byte[] pub = pair.getPublic().getEncoded();
                for (int j = 0; j < seen.size(); j++) {
                    if (Arrays.equals(seen.get(j), pub)) {
                        problems.add(at, "the same key as key_files[" + j + "]");
                    }
                }
                seen.add(pub);
            } catch (AssertionKeyFile.Invalid e) {
                problems.add(at, e.getMessage());
                seen.add(new byte[0]);
            }
        }
    }
}
