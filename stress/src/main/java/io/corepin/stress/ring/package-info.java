/**
 * jcstress tests of the memory ordering and atomicity of the rings in {@code io.corepin.ring}, one class per
 * property.
 *
 * <p>Conventions shared by the tests:
 * <ul>
 *   <li><b>At most two {@code @Actor}s per test.</b> CI has two CPUs, and jcstress 0.16 silently skips a test with
 *       more actors than CPUs ("No scheduling is possible"). Where a property needs a third party, it is an
 *       {@code @Arbiter}, which runs after both actors and sees all their writes. The build's result check fails
 *       if any test did not run, so a three-actor test cannot slip in unnoticed.</li>
 *   <li><b>Digit encoding.</b> Elements are the small boxed ints 1..9, and a sequence that a consumer saw is reported
 *       as one decimal number, oldest first: {@code 0} is "nothing", {@code 12} is "1 then 2", {@code 21} is
 *       "2 then 1". An outcome therefore shows both what was seen and in which order.</li>
 *   <li><b>Payloads are allocated in the {@code @State} constructor</b> and their plain fields are written by the
 *       producer actor. A field store folded into a fresh allocation would be ordered before publication by the
 *       JIT's allocation barrier anyway; a store to an existing object is ordered only by the ring.</li>
 *   <li>Every outcome not listed as {@code ACCEPTABLE}/{@code ACCEPTABLE_INTERESTING} is {@code FORBIDDEN} (a
 *       catch-all {@code @Outcome} without id), so a forbidden state nobody thought of still fails the build.</li>
 * </ul>
 */
package io.corepin.stress.ring;
