/*
 * network: the networks of a sandbox: whether a network mode names a user
 * network, inspect, the judgement of a network the session did not create
 * (SANDBOX_NETWORK_INTERNAL must hold; joining is the finding
 * ohs-network-existing), the session's own network (created labelled,
 * internal when asked), connecting the additional networks after create,
 * finding a reopened session's networks.  Users: session.c (create,
 * open).  The verbs themselves are the engine layer's (engine.c).
 */
#include "internal.h"
#include "session_priv.h"
#include "policy_int.h"
#include "engine_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ networks */

/* GET /networks/NAME: 1 exists (*out: the answer), 0 missing, < 0 error. */
int ohs__network_inspect(ohs_client *c, const char *name, json_t **out)
{
	int rc;

	*out = NULL;
	rc = ohs__engine_network_inspect(c, name, out, "inspect network");
	if (rc == OHS_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return ohs__error_set(OHS_EPROTOCOL, "inspect network \"%s\": the engine's answer is "
			"not a JSON object", name);
	}
	return 1;
}


/* ------------------------------------------------------------ networks (judged) */

#define NET_EXISTING_ID "ohs-network-existing"
#define NET_EXISTING_TITLE "the sandbox joins a network the library did not create for it " \
	"(every container on that network can reach the sandbox, and the reverse)"
#define NET_EXISTING_FIX "let the library create the session's own network (SANDBOX_NETWORK naming a " \
	"network that does not exist yet), or list the networks that may be joined in the operator's policy file"

/*
 * A network that exists and that this session did not create (`what` is
 * "network" or "additional network"): with SANDBOX_NETWORK_INTERNAL=true it
 * must be internal (else OHS_EINVAL naming it: never silent egress); it is
 * always the finding ohs-network-existing (medium, not refused).
 */
int ohs__network_judge_existing(ohs_findings *f, const ohs_netpolicy *np, const char *name,
	json_t *info, const char *field, const char *what)
{
	const char *real = ohs__jstr(info, "Name");

	if (ohs_netpolicy_internal(np) > 0 && !json_is_true(json_object_get(info, "Internal")))
		return ohs__error_set(OHS_EINVAL, "SANDBOX_NETWORK_INTERNAL=true cannot be honoured: %s \"%s\"%s%s%s "
			"already exists and is not internal (the sandbox would reach outside the host); "
			"use a network that is internal, or let the library create one (SANDBOX_NETWORK naming "
			"a network that does not exist yet)", what, name, real && strcmp(real, name) ? " (\"" : "",
			real && strcmp(real, name) ? real : "", real && strcmp(real, name) ? "\")" : "");
	if (!f || ohs__findings_has(f, NET_EXISTING_ID, field, name))
		return 0;
	return ohs__findings_add(f, NET_EXISTING_ID, "medium", field, name, NET_EXISTING_TITLE,
		NET_EXISTING_FIX, 0);
}

/* The error for a missing additional network, with the Compose hint. */
int ohs__network_missing_error(ohs_client *c, const char *name)
{
	json_t *list = NULL, *n;
	size_t i, nlen = strlen(name);
	char *hint = NULL;

	if (ohs__engine_network_list(c, NULL, NULL, &list, "list networks") == 0) {
		json_array_foreach(list, i, n) {
			const char *nn = ohs__jstr(n, "Name");
			const char *cl = ohs__label(json_object_get(n, "Labels"), "com.docker.compose.network");
			size_t l = nn ? strlen(nn) : 0;

			if (!nn)
				continue;
			if ((cl && strcmp(cl, name) == 0) ||
					(l > nlen + 1 && nn[l - nlen - 1] == '_' &&
					strcmp(nn + l - nlen, name) == 0)) {
				hint = ohs__strdup(nn);
				break;
			}
		}
	}
	json_decref(list);
	if (hint) {
		ohs__error_set(OHS_ENOTFOUND, "SANDBOX_ADDITIONAL_NETWORKS: network \"%s\" not found; "
			"Docker Compose created \"%s\" \xe2\x80\x94 use SANDBOX_ADDITIONAL_NETWORKS='[\"%s\"]'",
			name, hint, hint);
		free(hint);
		return OHS_ENOTFOUND;
	}
	return ohs__error_set(OHS_ENOTFOUND, "SANDBOX_ADDITIONAL_NETWORKS: network \"%s\" not found; "
		"create it first (docker network create %s) or remove it from the list", name, name);
}

int ohs__network_create(ohs_client *c, ohs__strvec *owned, const char *sid,
	const char *name, int internal)
{
	json_t *body = NULL, *labels = json_object(), *out = NULL;
	int rc;

	if (!labels)
		return ohs__error_oom();
	if ((rc = ohs__owner_labels_add(labels, sid)) < 0 ||
			(rc = json_object_set_new(labels, OHS_LABEL_NETWORK, json_string(sid)) < 0 ?
			ohs__error_oom() : 0) < 0) {
		json_decref(labels);
		return rc;
	}
	body = json_pack("{s:s, s:b, s:s, s:b, s:o}", "Name", name, "CheckDuplicate", 1,
		"Driver", "bridge", "Internal", internal ? 1 : 0, "Labels", labels);
	if (!body)
		return ohs__error_oom();
	rc = ohs__engine_network_create(c, body, &out, "create network");
	json_decref(body);
	json_decref(out);
	if (rc == OHS_ECONFLICT)
		return 1; /* made meanwhile by someone else: the caller judges it; do not own it */
	if (rc < 0) {
		char *pfx = ohs__sprintf("network \"%s\"", name);

		if (pfx)
			ohs__error_prefix(pfx);
		free(pfx);
		return rc;
	}
	return ohs__strvec_push(owned, name);
}

int ohs__network_connect(ohs_client *c, const char *id, const char *name)
{
	int rc = ohs__engine_network_connect(c, name, id, "connect network");

	if (rc == OHS_ENOTFOUND)
		return ohs__network_missing_error(c, name);
	return rc;
}

/* Networks labelled as created for session `sid` (so remove can clean them). */
int ohs__network_find_session(ohs_client *c, const char *sid, ohs__strvec *owned)
{
	char *filter;
	json_t *list = NULL, *n;
	size_t i;
	int rc;

	if (!(filter = ohs__sprintf(OHS_LABEL_NETWORK "=%s", sid)))
		return ohs__error_oom();
	rc = ohs__engine_network_list(c, "label", filter, &list, "list networks");
	free(filter);
	if (rc < 0)
		return rc;
	json_array_foreach(list, i, n) {
		const char *name = ohs__jstr(n, "Name");

		if (name && (rc = ohs__strvec_push(owned, name)) < 0)
			break;
	}
	json_decref(list);
	return rc;
}
