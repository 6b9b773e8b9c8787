/*
 * libohsandbox - error codes and the per-thread last error.  See ohs_error_last(3).
 */
#ifndef OHSANDBOX_ERROR_H
#define OHSANDBOX_ERROR_H

#include "common.h"

OHS_BEGIN_DECL

/*
 * Status codes.  0 is success; errors are negative.  These values are part of
 * the ABI: they are never renumbered, new codes are only appended.
 */
typedef enum {
	OHS_OK = 0,
	OHS_ERROR = -1,          /* unspecified failure */
	OHS_EINVAL = -2,         /* invalid argument or configuration */
	OHS_ENOMEM = -3,         /* out of memory */
	OHS_ENOTFOUND = -4,      /* no such container, image, network, file */
	OHS_ECONFLICT = -5,      /* name in use, container in the wrong state */
	OHS_EPERM = -6,          /* permission denied (socket, engine 403) */
	OHS_EENGINE = -7,        /* the engine reported an error (HTTP 5xx) */
	OHS_EUNREACHABLE = -8,   /* the engine cannot be reached */
	OHS_ETIMEOUT = -9,       /* a deadline passed */
	OHS_EPOLICY = -10,       /* the security policy refused the request */
	OHS_ENOTSUPPORTED = -11, /* feature, scheme or API version not supported */
	OHS_EIO = -12,           /* local I/O failed (files, archives) */
	OHS_EPROTOCOL = -13,     /* malformed response from the engine */
	OHS_ESTATE = -14,        /* sandbox in an unusable state (exited, died) */
	OHS_ETLS = -15,          /* TLS setup or handshake failed */
	OHS_ECANCELED = -16      /* stopped by an ohs_cancel handle (since 1.1) */
} ohs_error_code;

/** Static description of a status code; never NULL. */
OHS_EXTERN(const char *) ohs_strerror(int code);

/**
 * Message of the last error raised on the calling thread, naming the input
 * and what was expected; NULL when no error was raised since the thread
 * started or since ohs_error_clear().  Successful calls do not clear it: read
 * it only after a call returned a negative code.  The string stays valid
 * until the next failing library call on this thread.
 */
OHS_EXTERN(const char *) ohs_error_last(void);

/** Code of the last error on this thread (0 when none). */
OHS_EXTERN(int) ohs_error_last_code(void);

/** HTTP status the engine returned with the last error (0 when none). */
OHS_EXTERN(int) ohs_error_last_http_status(void);

/** Forget the last error of this thread. */
OHS_EXTERN(void) ohs_error_clear(void);

OHS_END_DECL

#endif
