/*
 * libohsandbox - common definitions: export macro, version, memory.
 *
 * Every public type is opaque; every exported function is marked OHS_EXTERN
 * and returns 0 or a negative OHS_E* code unless its documentation says
 * otherwise.  See ohsandbox(7).
 */
#ifndef OHSANDBOX_COMMON_H
#define OHSANDBOX_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <ohsandbox/version.h>

#ifdef __cplusplus
# define OHS_BEGIN_DECL extern "C" {
# define OHS_END_DECL }
#else
# define OHS_BEGIN_DECL
# define OHS_END_DECL
#endif

#if defined(OHS_BUILDING_LIBRARY) && defined(__GNUC__)
# define OHS_EXTERN(type) extern __attribute__((visibility("default"))) type
#else
# define OHS_EXTERN(type) extern type
#endif

OHS_BEGIN_DECL

/** Version of the library loaded at run time, e.g. "0.1.0". */
OHS_EXTERN(const char *) ohs_version(void);

/** OHS_VERSION_NUMBER of the library loaded at run time. */
OHS_EXTERN(int) ohs_version_number(void);

/** Free memory the library returned to the caller (strings, buffers). NULL is fine. */
OHS_EXTERN(void) ohs_free(void *ptr);

/*
 * A cancel handle for long calls (since 1.1): pass it to a *_cancel call
 * (ohs_pool_acquire_cancel(3), ohs_pool_wait_cancel(3)); ohs_cancel_trigger() from any thread
 * makes every call waiting on it, and every later one, fail at once with
 * OHS_ECANCELED.  See ohs_cancel_new(3).
 *
 * Thread safety: trigger, triggered and the calls taking the handle may run
 * concurrently; ohs_cancel_free() must not race with them.
 */
typedef struct ohs_cancel ohs_cancel;

OHS_EXTERN(int) ohs_cancel_new(ohs_cancel **out);
/** Cancel: idempotent, safe from any thread (not from a signal handler). */
OHS_EXTERN(int) ohs_cancel_trigger(ohs_cancel *c);
/** 1 once triggered, else 0 (0 for NULL). */
OHS_EXTERN(int) ohs_cancel_triggered(const ohs_cancel *c);
/** Re-arm a triggered handle (no call may be waiting on it). */
OHS_EXTERN(int) ohs_cancel_reset(ohs_cancel *c);
OHS_EXTERN(void) ohs_cancel_free(ohs_cancel *c);

OHS_END_DECL

#endif
