package io.corepin.ring.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The one place corepin's own classes look up their {@code VarHandle}s. Not API (see the package): for corepin's
 * modules only.
 *
 * <p>Use it from a static initializer with the caller's own lookup, so access is checked against the caller:
 * <pre>{@code
 * private static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), Timer.class, "state", int.class);
 * }</pre>
 * A missing field is a build defect: the error names the class, field and type, and fails the caller's class
 * initialization (an {@code ExceptionInInitializerError} whose cause is this method's exception).
 */
public final class VarHandles {
    private VarHandles() {
    }

    /**
     * Finds the {@code VarHandle} of an instance field.
     *
     * @param lookup the caller's {@code MethodHandles.lookup()}, which must have access to the field
     * @param owner the class that declares the field
     * @param name the field's name
     * @param type the field's declared type
     * @return the handle
     * @throws IllegalStateException naming the field if it does not exist or is not accessible through
     *     {@code lookup}
     */
    public static VarHandle field(MethodHandles.Lookup lookup, Class<?> owner, String name, Class<?> type) {
        try {
            return lookup.findVarHandle(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                "no accessible field " + owner.getName() + "." + name + " of type " + type.getName(), e);
        }
    }
}
