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

OHS_END_DECL

#endif
