/*
 * What the session files share and no other module may see: the sandbox
 * object's layout and the verbs between them.  Users: session.c (the
 * object, create, lifecycle, open, logs), network.c (the session's
 * networks), judge.c (named volumes and findings added after the policy),
 * pull.c (image inspect and pull), ready.c (readiness).  Other modules use
 * session_int.h and the public getters.  Not installed.
 */
#ifndef OHS_SESSION_PRIV_H
#define OHS_SESSION_PRIV_H

#include "internal.h" /* first: build-config.h sets the feature macros */
#include <jansson.h>
#include "session_int.h"

typedef struct {
	int container_port;
	char *protocol;
	char *host_ip;
	int host_port;
} session_port;

struct ohs_session {
	ohs_client *client;   /* borrowed */
	char *id;             /* container id */
	char *name;           /* container name, no leading '/' */
	char *sid;            /* session id, 32 hex digits */
	ohs__strvec networks; /* networks this session created */
	session_port *ports;
	size_t nports;
	int keep;
	int removed;
	int publishes;        /* 1: ports published or unknown (opened); 0: none */
	ohs_findings *findings; /* the policy's findings at create (NULL if opened) */
	char *judged;         /* the create body as judged and sent (NULL if opened) */
};

#include "jsonutil_int.h"

/* ------------------------------------------------------------ session.c */


/* GET /containers/{id}/json: an object in *out, or an error (`what` names the step). */
int ohs__container_inspect(ohs_client *c, const char *id, json_t **out, const char *what);

/* ------------------------------------------------------------ network.c */


/* GET /networks/NAME: 1 exists (*out: the answer), 0 missing, < 0 error. */
int ohs__network_inspect(ohs_client *c, const char *name, json_t **out);

/*
 * Judge a network that exists and that the session did not create: with
 * SANDBOX_NETWORK_INTERNAL=true it must be internal (else OHS_EINVAL); it
 * is the finding ohs-network-existing in `f` (when f is not NULL).
 */
int ohs__network_judge_existing(ohs_findings *f, const ohs_netpolicy *np, const char *name,
	json_t *info, const char *field, const char *what);

/* OHS_ENOTFOUND for a missing additional network, with the Compose hint. */
int ohs__network_missing_error(ohs_client *c, const char *name);

/*
 * POST /networks/create of a bridge network NAME labelled for session
 * `sid`; 0 made (NAME pushed to `owned`), 1 made meanwhile by someone else
 * (not owned), < 0 error.
 */
int ohs__network_create(ohs_client *c, ohs__strvec *owned, const char *sid,
	const char *name, int internal);

/* Connect container `id` to network NAME (a missing one: the Compose hint). */
int ohs__network_connect(ohs_client *c, const char *id, const char *name);

/* Push to `owned` the networks labelled as created for session `sid`. */
int ohs__network_find_session(ohs_client *c, const char *sid, ohs__strvec *owned);

/* ------------------------------------------------------------ judge.c */

/* Whether f already holds finding (id, field, value). */
int ohs__findings_has(const ohs_findings *f, const char *id, const char *field, const char *value);

/*
 * In enforce mode, OHS_EPOLICY naming every refused finding of f from
 * index `from` on (the ones the session added after the policy judged the
 * body); else 0.
 */
int ohs__session_refusal(const ohs_config *cfg, const ohs_findings *f, size_t from);

/* Judge every volume mount of the raw create body `body` (what the named
 * volumes mount on the host); findings added to f. */
int ohs__volumes_judge(ohs_client *c, ohs_findings *f, const ohs_config *cfg, json_t *body);

/*
 * Judge `text`, the exact body the session sends, with the config's policy
 * (the engine's facts as at the first judgement); each finding of a check
 * not in f yet (same id and field) is added to f, refused as the policy
 * says.  The caller then refuses with ohs__session_refusal.
 */
int ohs__body_rejudge(ohs_findings *f, const ohs_config *cfg, const char *text,
	const char *docker_host);

/* ------------------------------------------------------------ pull.c */

/* Inspect image, pulling it when missing; *info gets the inspect answer. */
int ohs__image_ensure(ohs_client *c, const char *image, ohs_progress_cb cb, void *payload,
	json_t **info);

#endif
