/**
 * Not API: helpers shared by corepin's own modules (ring, runtime). They are public only because Java packages
 * cannot share package-private code across modules; they may change or disappear in any release.
 */
package io.corepin.ring.internal;
