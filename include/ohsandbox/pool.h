/*
 * libohsandbox - a warm pool of started sandboxes.  See ohs_pool_new(3).
 *
 * Thread safety: an ohs_pool may be shared by any number of threads
 * (acquire, release, ready and wait may be called concurrently); only
 * ohs_pool_free() must not race with other calls on the same pool.  A
 * session handed out by ohs_pool_acquire() belongs to the caller and, like
 * every ohs_session, is used by one thread at a time.
 */
#ifndef OHSANDBOX_POOL_H
#define OHSANDBOX_POOL_H

#include "common.h"
#include "config.h"
#include "client.h"
#include "session.h"

OHS_BEGIN_DECL

typedef struct ohs_pool ohs_pool;

/** Largest pool size accepted by ohs_pool_new(). */
#define OHS_POOL_MAX_SIZE 256

/**
 * A pool that keeps `size` sandboxes of `cfg` (copied) created and started
 * on `client` (borrowed: it must outlive the pool).  Returns at once; the
 * sandboxes are made by background threads (see ohs_pool_wait()).
 */
OHS_EXTERN(int) ohs_pool_new(ohs_pool **out, ohs_client *client,
	const ohs_config *cfg, size_t size);

/**
 * Hand over a started sandbox.  timeout_ms 0: do not wait (OHS_ETIMEOUT
 * when none is ready), > 0: wait at most that long, < 0: wait for ever.
 * When none is ready and the last refill failed, fails at once with that
 * refill's error.  The pool then makes a replacement in the background.
 */
OHS_EXTERN(int) ohs_pool_acquire(ohs_session **out, ohs_pool *pool, long timeout_ms);

/**
 * Give back a sandbox acquired from this pool: it is removed (never reused)
 * in the background and the handle freed.  ohs_session_free() is an
 * alternative that removes it in the calling thread.
 */
OHS_EXTERN(int) ohs_pool_release(ohs_pool *pool, ohs_session *s);

/** Number of sandboxes ready to be acquired now (0 for NULL). */
OHS_EXTERN(size_t) ohs_pool_ready(ohs_pool *pool);

/** The configured size (0 for NULL). */
OHS_EXTERN(size_t) ohs_pool_size(ohs_pool *pool);

/**
 * Wait until at least `count` (<= size) sandboxes are ready; timeout_ms as
 * in ohs_pool_acquire().  Fails early with a refill error.
 */
OHS_EXTERN(int) ohs_pool_wait(ohs_pool *pool, size_t count, long timeout_ms);

/**
 * Stop the background threads (a create in flight is finished and its
 * sandbox removed), remove every ready sandbox and every released one, and
 * free the pool.  Sandboxes still acquired stay valid and the caller's.
 * NULL is fine.
 */
OHS_EXTERN(void) ohs_pool_free(ohs_pool *pool);

/**
 * ohs_pool_acquire() and ohs_pool_wait() that also stop, with
 * OHS_ECANCELED, as soon as `cancel` (may be NULL) is triggered from another
 * thread, or at once when it already is (since 1.1).
 */
OHS_EXTERN(int) ohs_pool_acquire_cancel(ohs_session **out, ohs_pool *pool, long timeout_ms,
	ohs_cancel *cancel);
OHS_EXTERN(int) ohs_pool_wait_cancel(ohs_pool *pool, size_t count, long timeout_ms,
	ohs_cancel *cancel);

OHS_END_DECL

#endif
