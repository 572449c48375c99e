/**
 * corepin's runtime: {@link io.corepin.Exec}, a single-threaded executor pinned to one core, and
 * {@link io.corepin.ExecGroup}, which fronts several and routes work to them.
 *
 * <p>Exports the API packages {@code io.corepin} (the kernel's package-private classes stay inaccessible),
 * {@code io.corepin.balance}, {@code io.corepin.levels}, {@code io.corepin.channel} and {@code io.corepin.telemetry}.
 * Reads Agrona (the automatic module {@code org.agrona}) transitively, since {@link io.corepin.Exec.Builder#clock}
 * takes its {@code NanoClock}, and {@code io.corepin.affinity}, since {@link io.corepin.ExecGroup.Builder} takes an
 * {@code AffinityPlan}; {@code io.corepin.ring} is read but not re-exported (no ring type is in this API: require
 * it yourself to use {@code MpscRing} directly). The opt-in counters file (Agrona's
 * {@code UnsafeBuffer}) needs {@code --add-exports java.base/jdk.internal.misc=org.agrona} on the module path.
 */
module io.corepin.runtime {
    requires io.corepin.ring;
    requires transitive io.corepin.affinity;
    requires transitive org.agrona;
    requires jdk.jfr;

    exports io.corepin;
    exports io.corepin.balance;
    exports io.corepin.levels;
    exports io.corepin.channel;
    exports io.corepin.telemetry;
}
