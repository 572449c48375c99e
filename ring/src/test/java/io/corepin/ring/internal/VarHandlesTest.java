package io.corepin.ring.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.junit.jupiter.api.Test;

class VarHandlesTest {
    private volatile long value;
    private int plain;

    @Test
    void findsAPrivateFieldThroughTheCallersLookup() {
        final VarHandle handle = VarHandles.field(MethodHandles.lookup(), VarHandlesTest.class, "value", long.class);
        handle.setRelease(this, 42L);
        assertEquals(42L, value);
        assertEquals(42L, (long) handle.getAcquire(this));
    }

    @Test
    void aMissingFieldFailsNamingClassFieldAndType() {
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> VarHandles.field(MethodHandles.lookup(), VarHandlesTest.class, "absent", long.class));
        assertTrue(e.getMessage().contains("io.corepin.ring.internal.VarHandlesTest.absent"), e.getMessage());
        assertTrue(e.getMessage().contains("long"), e.getMessage());
        assertTrue(e.getCause() instanceof NoSuchFieldException, String.valueOf(e.getCause()));
    }

    @Test
    void aFieldOfAnotherTypeFailsNamingTheType() {
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> VarHandles.field(MethodHandles.lookup(), VarHandlesTest.class, "plain", long.class));
        assertTrue(e.getMessage().contains("plain of type long"), e.getMessage());
    }

    @Test
    void aLookupWithoutPrivateAccessIsRefusedNamingTheField() {
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> VarHandles.field(MethodHandles.publicLookup(), VarHandlesTest.class, "value", long.class));
        assertTrue(e.getMessage().contains("VarHandlesTest.value"), e.getMessage());
    }
}
