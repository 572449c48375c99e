/**
 * Which CPU each corepin Exec runs on, built on OpenHFT's Java-Thread-Affinity.
 *
 * <ul>
 *   <li>{@link io.corepin.affinity.AllowedCpus}: the CPUs this process may use (affinity mask within the cgroup
 *       cpuset);</li>
 *   <li>{@link io.corepin.affinity.CpuLayout}: a snapshot of the machine, with socket/core/thread per CPU where
 *       {@code /proc/cpuinfo} tells, and from {@code /sys} the isolated ({@code isolcpus=}) and {@code nohz_full}
 *       CPUs and each CPU's NUMA node;</li>
 *   <li>{@link io.corepin.affinity.AffinityPlan}: Exec index to CPU (and its node), decided up front (isolated and
 *       nohz_full CPUs first, one NUMA node per group unless spread, skip CPU 0, whole cores first, never two Execs
 *       on one CPU);</li>
 *   <li>{@link io.corepin.affinity.Pinning}: carries a decision out on the calling thread and reports what took;</li>
 *   <li>{@link io.corepin.affinity.Membarrier} and {@link io.corepin.affinity.TimerSlack}: two more Linux calls an
 *       Exec's thread needs — the heavy half of an asymmetric fence, and how late the kernel may end its timed
 *       parks.</li>
 * </ul>
 */
package io.corepin.affinity;
