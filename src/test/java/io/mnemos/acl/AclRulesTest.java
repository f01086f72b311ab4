package io.mnemos.acl;

import io.mnemos.command.CommandTable;
import io.mnemos.command.Commands;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AclRulesTest {
    private final AclStore store = new AclStore(new CommandTable(Commands.families()).all());

    private User user(String... rules) throws Exception {
        return store.commit(store.staged("u", List.of(rules)));
    }

    private String describe(User u) {
        return AclRules.describeUser(u, store.index());
    }

    @Test
    void theDefaultUserAllowsEverything() {
        assertEquals("on nopass ~* &* +@all", describe(store.defaultUser()));
        assertTrue(store.defaultUser().unrestricted());
    }

    @Test
    void aNewUserIsOffWithNothingAllowed() throws Exception {
        User u = user();
        assertEquals("off resetchannels -@all", describe(u));
        assertFalse(u.unrestricted());
    }

    @Test
    void passwordsAreStoredAsSha256() throws Exception {
        User u = user(">password");
        assertEquals(List.of("5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"), u.passwords());
        assertEquals("The password hash must be exactly 64 characters and contain only lowercase hexadecimal "
                + "characters", assertThrows(AclRuleException.Failed.class, () -> user("#ABC")).getMessage());
    }

    @Test
    void categoriesAreDescribedByBestFitThenSingleCommands() throws Exception {
        assertEquals("-@all +@hash -hdel", AclRules.describeCommandRules(user("+@hash", "-hdel").root(), store.index()));
        assertEquals("+@all -@dangerous", AclRules.describeCommandRules(
                user("reset", "+@all", "-@dangerous").root(), store.index()));
    }

    @Test
    void firstArgumentsAndSubcommands() throws Exception {
        User u = user("reset", "+select|0", "+client|id");
        // Redis emits single commands in its (randomly seeded) dict order; Mnemos in table order.
        assertEquals("-@all +select|0 +client|id", AclRules.describeCommandRules(u.root(), store.index()));
        assertEquals("Allowing first-arg of a subcommand is not supported",
                assertThrows(AclRuleException.Failed.class, () -> user("+client|id|x")).getMessage());
        assertEquals("Syntax error", assertThrows(AclRuleException.Failed.class, () -> user("+select|")).getMessage());
        assertEquals("Unknown command or category name in ACL",
                assertThrows(AclRuleException.Failed.class, () -> user("-select|0")).getMessage());
    }

    @Test
    void keyPatternsMergeTheirPermissions() throws Exception {
        User u = user("reset", "%R~k", "%W~k", "%R~r");
        assertEquals("~k %R~r", AclRules.describeKeys(u.root()));
        assertEquals("Syntax error", assertThrows(AclRuleException.Failed.class, () -> user("%~k")).getMessage());
        assertTrue(assertThrows(AclRuleException.Failed.class, () -> user("allkeys", "~x")).getMessage()
                .startsWith("Adding a pattern after the * pattern (or the 'allkeys' flag)"));
    }

    @Test
    void selectorsMergeAcrossArguments() throws Exception {
        assertEquals(List.of("on", "(~a +get)", "x"), AclRules.mergeSelectorArguments(List.of("on", "(~a", "+get)", "x")));
        assertEquals(1, assertThrows(AclRules.UnmatchedParenthesis.class,
                () -> AclRules.mergeSelectorArguments(List.of("on", "(~a"))).index);
        User u = user("reset", "(~a +get)");
        assertEquals("off sanitize-payload resetchannels -@all (~a resetchannels -@all +get)", describe(u));
    }

    @Test
    void stagingLeavesTheUserUntouchedOnError() throws Exception {
        user("reset", "+get");
        assertThrows(AclRuleException.Failed.class, () -> store.staged("u", List.of("+set", "bogus")));
        assertEquals("off sanitize-payload resetchannels -@all +get", describe(store.user("u")));
    }
}
