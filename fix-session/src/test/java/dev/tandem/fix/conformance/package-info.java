/**
 * Conformance of our acceptor with the QuickFIX FIX 4.4 session acceptance scripts in
 * {@code ../shared/fix-acceptance/fix44}, run by {@link dev.tandem.test.fix.DefScriptRunner} under the suite's fair
 * matching rules, with an echo application. Status and the reason for any script that does not pass are kept in
 * {@code AcceptanceScriptTest.KNOWN_FAILURES}; such a script still runs and must fail exactly as recorded.
 */
package dev.tandem.fix.conformance;
