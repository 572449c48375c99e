/**
 * Load balancers: which Exec of a group takes an un-keyed submission.
 *
 * <ul>
 *   <li>{@link io.corepin.balance.LoadBalancer} — the interface and its factories ({@code roundRobin},
 *       {@code wakeLocal} (the group's default), {@code keyHash}, {@code powerOfTwoChoices}, {@code boundedDepth}),
 *       plus {@code indexFor(key, size)}, the one key-to-index function (the {@code keyHash} balancer and
 *       {@code ExecGroup.indexFor} both use it, so they never disagree);
 *   <li>{@link io.corepin.balance.Targets} — all a balancer sees of the group: its size, each ring's depth, which
 *       targets are parked and which one is pinned to the caller's CPU;
 *   <li>the package-private implementations, one per file.
 * </ul>
 *
 * <p>Depends on nothing else of corepin (only {@code java.base}): {@code io.corepin.ExecGroup} uses this package and
 * hands its balancer a {@link io.corepin.balance.Targets} view of its Execs, never the group or an Exec, so the
 * packages form no cycle (checked by {@code PackageCycleTest}).
 */
package io.corepin.balance;
