/*
 * Internal side of ohs_cancel (cancel.c): how a waiting call lets a trigger
 * wake it.  Users: pool.c (acquire / wait).
 * Not installed.
 */
#ifndef OHS_CANCEL_INT_H
#define OHS_CANCEL_INT_H

#include <pthread.h>
#include "ohsandbox/common.h"

/*
 * A waiter sleeping on `cond` under `lock`.  Register it BEFORE taking
 * `lock` and unregister it after releasing it: the trigger sets the flag,
 * then takes `lock` and broadcasts `cond`, so a waiter that checks
 * ohs__cancel_is_set() under `lock` before each wait never misses it.
 */
typedef struct ohs__cancel_waiter {
	pthread_mutex_t *lock;
	pthread_cond_t *cond;
	struct ohs__cancel_waiter *next;
} ohs__cancel_waiter;

/* NULL c is fine (nothing is registered). */
void ohs__cancel_register(ohs_cancel *c, ohs__cancel_waiter *w);
void ohs__cancel_unregister(ohs_cancel *c, ohs__cancel_waiter *w);

/* 1 when c is triggered (NULL: 0); lock-free, callable under any lock. */
int ohs__cancel_is_set(const ohs_cancel *c);

/* Set OHS_ECANCELED naming `fn` and return it. */
int ohs__cancel_error(const char *fn);

#endif
