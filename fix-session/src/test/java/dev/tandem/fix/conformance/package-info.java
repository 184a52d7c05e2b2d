/**
 * Conformance of our acceptor with the QuickFIX FIX 4.4 session acceptance scripts in
 * {@code ../shared/fix-acceptance/fix44}, run by {@link dev.tandem.test.fix.DefScriptRunner} under the suite's fair
 * matching rules, with an echo application; every script must pass.
 */
package dev.tandem.fix.conformance;
