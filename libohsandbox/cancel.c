/*
 * cancel: a handle that stops long calls (ohs_cancel, since 1.1).
 *
 * The flag is an atomic int, so waiters can test it under their own locks;
 * the trigger wakes every registered waiter by broadcasting its condition
 * variable under its mutex (see cancel_int.h for the ordering).
 */
#include "internal.h"
#include "cancel_int.h"

#include <stdlib.h>

struct ohs_cancel {
	pthread_mutex_t lock;       /* guards `waiters` */
	ohs__cancel_waiter *waiters;
	int set;                    /* __atomic */
};

int ohs_cancel_new(ohs_cancel **out)
{
	ohs_cancel *c;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_cancel_new: out is NULL");
	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return ohs__error_oom();
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		return ohs__error_oom();
	}
	*out = c;
	return 0;
}

int ohs_cancel_trigger(ohs_cancel *c)
{
	ohs__cancel_waiter *w;

	if (!c)
		return ohs__error_set(OHS_EINVAL, "ohs_cancel_trigger: cancel handle is NULL");
	__atomic_store_n(&c->set, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&c->lock);
	for (w = c->waiters; w; w = w->next) {
		pthread_mutex_lock(w->lock);
		pthread_cond_broadcast(w->cond);
		pthread_mutex_unlock(w->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int ohs_cancel_triggered(const ohs_cancel *c)
{
	return ohs__cancel_is_set(c);
}

int ohs_cancel_reset(ohs_cancel *c)
{
	if (!c)
		return ohs__error_set(OHS_EINVAL, "ohs_cancel_reset: cancel handle is NULL");
	__atomic_store_n(&c->set, 0, __ATOMIC_SEQ_CST);
	return 0;
}

void ohs_cancel_free(ohs_cancel *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int ohs__cancel_is_set(const ohs_cancel *c)
{
	return c ? __atomic_load_n(&c->set, __ATOMIC_SEQ_CST) : 0;
}

void ohs__cancel_register(ohs_cancel *c, ohs__cancel_waiter *w)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	w->next = c->waiters;
	c->waiters = w;
	pthread_mutex_unlock(&c->lock);
}

void ohs__cancel_unregister(ohs_cancel *c, ohs__cancel_waiter *w)
{
	ohs__cancel_waiter **pp;

	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	for (pp = &c->waiters; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	pthread_mutex_unlock(&c->lock);
}

int ohs__cancel_error(const char *fn)
{
	return ohs__error_set(OHS_ECANCELED, "%s: canceled (ohs_cancel_trigger)", fn);
}
