/*
 * pool: a warm pool of started sandboxes.
 *
 * A few background threads ("workers") keep `size` sandboxes of one config
 * created and started.  One mutex guards the pool's state; two condition
 * variables wake the workers (`work`: a slot opened, a sandbox was released,
 * the pool is stopping) and the waiters (`changed`: a sandbox became ready or
 * a refill failed).  Workers never hold the mutex while talking to the
 * engine, so acquire is a lock, a pointer copy and an unlock.
 *
 * Released sandboxes are removed by the workers (removal first, before any
 * new create), never reused: a used sandbox may hold state anywhere (files,
 * processes, network connections), so "resetting" one cannot be made safe in
 * general, and a fresh one costs the same as a thorough reset.
 */
#include "internal.h"
#include "session_int.h"
#include "cancel_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POOL_MAX_WORKERS 4
#define POOL_BACKOFF_MIN_MS 100L
#define POOL_BACKOFF_MAX_MS 2000L

struct ohs_pool {
	ohs_client *client;       /* borrowed */
	ohs_config *cfg;          /* own copy */
	size_t size;

	pthread_mutex_t lock;
	pthread_cond_t work;      /* workers wait here */
	pthread_cond_t changed;   /* acquire / wait wait here */

	ohs_session **ready;      /* FIFO of `size` slots: oldest first */
	size_t nready;
	ohs_session **doomed;     /* released or surplus: to remove */
	size_t ndoomed, doomed_cap;
	size_t inflight;          /* creates in progress */
	int stop;

	/* the last refill error, until a refill succeeds */
	int err_code;
	int err_http;
	char *err_msg;
	unsigned fails;           /* consecutive failed refills */
	struct timespec retry_at; /* no new create before this (backoff) */

	pthread_t workers[POOL_MAX_WORKERS];
	size_t nworkers;
};

/* ------------------------------------------------------------ time */

static void mono_now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

static void ts_add_ms(struct timespec *ts, long ms)
{
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static int ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* ------------------------------------------------------------ workers */

/* Create and start one sandbox.  On failure the error is the thread's last error. */
static int make_one(ohs_pool *p, ohs_session **out)
{
	ohs_session *s = NULL;
	int rc;

	*out = NULL;
	if ((rc = ohs_session_create(&s, p->client, p->cfg, NULL, NULL)) < 0)
		return rc;
	if ((rc = ohs_session_start(s)) < 0) {
		/* removes it; keep the start error (code, status, engine kind) */
		ohs__error_state *st = ohs__error_save();

		ohs_session_free(s);
		ohs__error_restore(st);
		return rc;
	}
	*out = s;
	return 0;
}

/* Record the calling worker's last error as the pool's refill error (locked). */
static void record_error(ohs_pool *p, int rc)
{
	const char *msg = ohs_error_last();
	char *copy = ohs__strdup(msg ? msg : ohs_strerror(rc));
	long backoff;

	free(p->err_msg);
	p->err_msg = copy; /* NULL on OOM: reported as the bare code */
	p->err_code = rc;
	p->err_http = ohs_error_last_http_status();
	if (p->fails < 16)
		p->fails++;
	backoff = POOL_BACKOFF_MIN_MS << (p->fails - 1);
	if (backoff > POOL_BACKOFF_MAX_MS)
		backoff = POOL_BACKOFF_MAX_MS;
	mono_now(&p->retry_at);
	ts_add_ms(&p->retry_at, backoff);
}

static void clear_error(ohs_pool *p)
{
	free(p->err_msg);
	p->err_msg = NULL;
	p->err_code = 0;
	p->err_http = 0;
	p->fails = 0;
}

/* Queue a sandbox for removal (locked).  Returns 0 or OHS_ENOMEM. */
static int doom(ohs_pool *p, ohs_session *s)
{
	if (p->ndoomed == p->doomed_cap) {
		size_t cap = p->doomed_cap ? 2 * p->doomed_cap : 8;
		ohs_session **v = realloc(p->doomed, cap * sizeof(*v));

		if (!v)
			return OHS_ENOMEM;
		p->doomed = v;
		p->doomed_cap = cap;
	}
	p->doomed[p->ndoomed++] = s;
	return 0;
}

static void *worker_main(void *arg)
{
	ohs_pool *p = arg;
	struct timespec now;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		if (p->ndoomed) {
			ohs_session *s = p->doomed[--p->ndoomed];

			pthread_mutex_unlock(&p->lock);
			ohs_session_free(s); /* removes the container */
			pthread_mutex_lock(&p->lock);
			continue;
		}
		if (p->stop)
			break;
		mono_now(&now);
		if (p->nready + p->inflight < p->size && !ts_before(&now, &p->retry_at)) {
			ohs_session *s = NULL;
			int rc;

			p->inflight++;
			pthread_mutex_unlock(&p->lock);
			rc = make_one(p, &s);
			pthread_mutex_lock(&p->lock);
			p->inflight--;
			if (rc < 0) {
				record_error(p, rc);
			} else if (p->stop || p->nready >= p->size) {
				if (doom(p, s) < 0) {
					pthread_mutex_unlock(&p->lock);
					ohs_session_free(s);
					pthread_mutex_lock(&p->lock);
				}
			} else {
				p->ready[p->nready++] = s;
				clear_error(p);
			}
			pthread_cond_broadcast(&p->changed);
			/* another worker may be waiting out the backoff */
			pthread_cond_broadcast(&p->work);
			continue;
		}
		if (p->nready + p->inflight < p->size)
			pthread_cond_timedwait(&p->work, &p->lock, &p->retry_at); /* backoff */
		else
			pthread_cond_wait(&p->work, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* ------------------------------------------------------------ public */

static void pool_destroy(ohs_pool *p)
{
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->lock);
	ohs_config_free(p->cfg);
	free(p->ready);
	free(p->doomed);
	free(p->err_msg);
	free(p);
}

int ohs_pool_new(ohs_pool **out, ohs_client *client, const ohs_config *cfg, size_t size)
{
	pthread_condattr_t ca;
	ohs_pool *p;
	size_t i, n;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_new: out is NULL");
	*out = NULL;
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_new: client is NULL");
	if (!cfg)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_new: cfg is NULL");
	if (size == 0 || size > OHS_POOL_MAX_SIZE)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_new: size %zu is out of range; "
			"expected 1 to %d", size, OHS_POOL_MAX_SIZE);
	if (!ohs_config_image(cfg) || !*ohs_config_image(cfg))
		return ohs__error_set(OHS_EINVAL, "ohs_pool_new: cfg names no image; "
			"set one with ohs_config_set_image()");
	if (!(p = calloc(1, sizeof(*p))))
		return ohs__error_oom();
	if (pthread_mutex_init(&p->lock, NULL) != 0) {
		free(p);
		return ohs__error_set(OHS_ERROR, "ohs_pool_new: cannot create a mutex");
	}
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_cond_init(&p->work, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return ohs__error_set(OHS_ERROR, "ohs_pool_new: cannot create a condition variable");
	}
	if (pthread_cond_init(&p->changed, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		pthread_cond_destroy(&p->work);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return ohs__error_set(OHS_ERROR, "ohs_pool_new: cannot create a condition variable");
	}
	pthread_condattr_destroy(&ca);
	p->client = client;
	p->size = size;
	if ((rc = ohs_config_dup(&p->cfg, cfg)) < 0) {
		pool_destroy(p);
		return rc;
	}
	if (!(p->ready = calloc(size, sizeof(*p->ready)))) {
		pool_destroy(p);
		return ohs__error_oom();
	}
	n = size < POOL_MAX_WORKERS ? size : POOL_MAX_WORKERS;
	for (i = 0; i < n; i++) {
		if ((rc = pthread_create(&p->workers[i], NULL, worker_main, p)) != 0) {
			p->nworkers = i;
			ohs_pool_free(p);
			return ohs__error_set(OHS_ERROR, "ohs_pool_new: cannot start a background "
				"thread: %s", strerror(rc));
		}
		p->nworkers = i + 1;
	}
	*out = p;
	return 0;
}

/* Raise the recorded refill error in the calling thread (locked). */
static int report_error(ohs_pool *p, const char *fn)
{
	return ohs__error_set_http(p->err_code, p->err_http, "%s: refilling the pool failed: %s",
		fn, p->err_msg ? p->err_msg : ohs_strerror(p->err_code));
}

/*
 * Wait (locked) until cond(p, arg) holds, an error is recorded, or the
 * deadline passes.  Returns 1 when cond holds, < 0 with the error set.
 */
static int wait_for(ohs_pool *p, int (*cond)(ohs_pool *, size_t), size_t arg,
	long timeout_ms, const ohs_cancel *cancel, const char *fn, const char *what)
{
	struct timespec deadline;

	if (timeout_ms > 0) {
		mono_now(&deadline);
		ts_add_ms(&deadline, timeout_ms);
	}
	for (;;) {
		if (ohs__cancel_is_set(cancel))
			return ohs__cancel_error(fn);
		if (cond(p, arg))
			return 1;
		if (p->err_code)
			return report_error(p, fn);
		if (timeout_ms == 0)
			return ohs__error_set(OHS_ETIMEOUT, "%s: %s (timeout_ms 0: no wait; "
				"%zu of %zu ready, %zu being made)", fn, what, p->nready, p->size, p->inflight);
		if (timeout_ms < 0) {
			pthread_cond_wait(&p->changed, &p->lock);
		} else if (pthread_cond_timedwait(&p->changed, &p->lock, &deadline) == ETIMEDOUT &&
				!ohs__cancel_is_set(cancel) && !cond(p, arg) && !p->err_code) {
			return ohs__error_set(OHS_ETIMEOUT, "%s: %s within %ld ms "
				"(%zu of %zu ready, %zu being made)", fn, what, timeout_ms,
				p->nready, p->size, p->inflight);
		}
	}
}

static int has_ready(ohs_pool *p, size_t n)
{
	return p->nready >= n;
}

int ohs_pool_acquire(ohs_session **out, ohs_pool *pool, long timeout_ms)
{
	ohs_session *s;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_acquire: out is NULL");
	*out = NULL;
	if (!pool)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_acquire: pool is NULL");
	pthread_mutex_lock(&pool->lock);
	rc = wait_for(pool, has_ready, 1, timeout_ms, NULL, "ohs_pool_acquire", "no sandbox ready");
	if (rc < 0) {
		pthread_mutex_unlock(&pool->lock);
		return rc;
	}
	s = pool->ready[0];
	pool->nready--;
	memmove(pool->ready, pool->ready + 1, pool->nready * sizeof(*pool->ready));
	pthread_cond_signal(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	*out = s;
	return 0;
}

int ohs_pool_release(ohs_pool *pool, ohs_session *s)
{
	int rc;

	if (!pool)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_release: pool is NULL");
	if (!s)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_release: session is NULL");
	if (ohs__session_client(s) != pool->client)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_release: session \"%s\" uses another "
			"ohs_client than the pool; free it with ohs_session_free()",
			ohs_session_name(s) ? ohs_session_name(s) : "?");
	pthread_mutex_lock(&pool->lock);
	rc = doom(pool, s);
	if (rc == 0)
		pthread_cond_signal(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	if (rc < 0) {
		ohs_session_free(s); /* remove it here instead */
		return 0;
	}
	return 0;
}

size_t ohs_pool_ready(ohs_pool *pool)
{
	size_t n;

	if (!pool)
		return 0;
	pthread_mutex_lock(&pool->lock);
	n = pool->nready;
	pthread_mutex_unlock(&pool->lock);
	return n;
}

size_t ohs_pool_size(ohs_pool *pool)
{
	return pool ? pool->size : 0;
}

int ohs_pool_wait(ohs_pool *pool, size_t count, long timeout_ms)
{
	int rc;

	if (!pool)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_wait: pool is NULL");
	if (count > pool->size)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_wait: count %zu is larger than the "
			"pool size %zu", count, pool->size);
	pthread_mutex_lock(&pool->lock);
	rc = wait_for(pool, has_ready, count, timeout_ms, NULL, "ohs_pool_wait", "not enough sandboxes ready");
	pthread_mutex_unlock(&pool->lock);
	return rc < 0 ? rc : 0;
}

void ohs_pool_free(ohs_pool *pool)
{
	size_t i;

	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->stop = 1;
	for (i = 0; i < pool->nready; i++)
		if (doom(pool, pool->ready[i]) < 0) {
			/* no memory for the list: remove it here, without the lock */
			ohs_session *s = pool->ready[i];

			pthread_mutex_unlock(&pool->lock);
			ohs_session_free(s);
			pthread_mutex_lock(&pool->lock);
		}
	pool->nready = 0;
	pthread_cond_broadcast(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	for (i = 0; i < pool->nworkers; i++)
		pthread_join(pool->workers[i], NULL);
	/* workers drain the list before they exit; whatever is left (none started) */
	while (pool->ndoomed)
		ohs_session_free(pool->doomed[--pool->ndoomed]);
	pool_destroy(pool);
}

/* ------------------------------------------------------------ cancelable waits (1.1) */

int ohs_pool_acquire_cancel(ohs_session **out, ohs_pool *pool, long timeout_ms, ohs_cancel *cancel)
{
	ohs__cancel_waiter w = { NULL, NULL, NULL };
	ohs_session *s;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_acquire_cancel: out is NULL");
	*out = NULL;
	if (!pool)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_acquire_cancel: pool is NULL");
	w.lock = &pool->lock;
	w.cond = &pool->changed;
	ohs__cancel_register(cancel, &w);
	pthread_mutex_lock(&pool->lock);
	rc = wait_for(pool, has_ready, 1, timeout_ms, cancel, "ohs_pool_acquire_cancel", "no sandbox ready");
	if (rc >= 0) {
		s = pool->ready[0];
		pool->nready--;
		memmove(pool->ready, pool->ready + 1, pool->nready * sizeof(*pool->ready));
		pthread_cond_signal(&pool->work);
		*out = s;
		rc = 0;
	}
	pthread_mutex_unlock(&pool->lock);
	ohs__cancel_unregister(cancel, &w);
	return rc;
}

int ohs_pool_wait_cancel(ohs_pool *pool, size_t count, long timeout_ms, ohs_cancel *cancel)
{
	ohs__cancel_waiter w = { NULL, NULL, NULL };
	int rc;

	if (!pool)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_wait_cancel: pool is NULL");
	if (count > pool->size)
		return ohs__error_set(OHS_EINVAL, "ohs_pool_wait_cancel: count %zu is larger than the "
			"pool size %zu", count, pool->size);
	w.lock = &pool->lock;
	w.cond = &pool->changed;
	ohs__cancel_register(cancel, &w);
	pthread_mutex_lock(&pool->lock);
	rc = wait_for(pool, has_ready, count, timeout_ms, cancel, "ohs_pool_wait_cancel",
		"not enough sandboxes ready");
	pthread_mutex_unlock(&pool->lock);
	ohs__cancel_unregister(cancel, &w);
	return rc < 0 ? rc : 0;
}
