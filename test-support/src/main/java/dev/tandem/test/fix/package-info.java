/**
 * FIX test tools over real sockets: a raw blocking client ({@link dev.tandem.test.fix.FixTestClient}), the QuickFIX
 * {@code .def} acceptance-script runner ({@link dev.tandem.test.fix.DefScript}, {@link dev.tandem.test.fix.DefScriptRunner},
 * {@link dev.tandem.test.fix.MessageMatcher}, {@link dev.tandem.test.fix.FieldPatterns},
 * {@link dev.tandem.test.fix.AcceptanceScripts}), a fault-injecting proxy with per-direction taps
 * ({@link dev.tandem.test.fix.FixTcpProxy}, {@link dev.tandem.test.fix.FixTap}), a ledger of received numbered messages
 * ({@link dev.tandem.test.fix.ReceivedLedger}) and QuickFIX/J 3.0.0 peers ({@code QuickFixJ*}; QuickFIX/J is an
 * optional dependency of this module: a module that uses those classes declares it).
 *
 * <h2>Matching rules</h2>
 * The runner applies the fair rules of the suite's README, see {@link dev.tandem.test.fix.MessageMatcher}: 8, 9, 35
 * lead and 10 is last; BodyLength and CheckSum are checked against the bytes received; every other expected field is
 * present exactly once with its value (pattern fields from {@code fields.fmt} by pattern, with any sub-second
 * precision); 58 is free text; no field the expected message lacks.
 *
 * <h2>QuickFIX/J 3.0.0 against the FIX 4.4 scripts</h2>
 * The runner was validated against a QuickFIX/J 3.0.0 acceptor (ResetOnLogon=Y, memory store, echo application):
 * 22 of 26 scripts pass strictly. The other four fail for genuine QuickFIX/J deviations from the scripts, each pinned
 * by {@code QuickFixJConformanceTest} (strict run must fail for exactly that reason; a run forgiving only that passes):
 * <ul>
 *     <li>11c_NewSeqNoLess, 2f_PossDupOrigSendingTimeTooHigh: session Rejects carry the optional RefTagID (371);
 *     2f and 2k_CompIDDoesNotMatchProfile: the Logout after such a Reject carries Text (58).</li>
 *     <li>2k: a second connection's Logon with 34=1 gets "MsgSeqNum too low" although ResetOnLogon=Y, because
 *     {@code Session.nextLogon} checks for too low before it applies ResetOnLogon.</li>
 *     <li>1a_ValidLogonMsgSeqNumTooHigh: with ResetOnLogon=Y no ResendRequest follows a Logon whose MsgSeqNum is too
 *     high ({@code isTargetTooHigh(seq) && !resetOnLogon}).</li>
 * </ul>
 */
package dev.tandem.test.fix;
