/**
 * jcstress tests of {@link io.corepin.Exec}'s protocols: the park/wake handshake and close versus submit.
 *
 * <p>Unlike the ring tests, the Exec's own thread is a third party next to the actors. The conventions of
 * {@code io.corepin.stress.ring} hold: at most two {@code @Actor}s (the Exec's thread is idle, parked, unless an
 * actor wakes it), a catch-all {@code FORBIDDEN} outcome, probes allocated in the {@code @State} constructor. Every
 * wait is bounded, so a lost wake-up or a hand-back that never completes shows as a forbidden outcome, not a hang.
 */
package io.corepin.stress.exec;
