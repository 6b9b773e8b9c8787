/*
 * reap: find this library's sandboxes by label, list them, and remove the
 * ones whose owner process is gone from this host (with the networks the
 * library created for them).
 */
#include "internal.h"
#include "session_int.h"

#include <stdlib.h>
#include <string.h>

/* GET `what` list filtered by one label (`label` "key" or "key=value"). */
static int list_by_label(ohs_client *c, const char *kind, const char *label,
	json_t **out, const char *what)
{
	char *filter, *e, *path;
	int rc;

	*out = NULL;
	if (!(filter = ohs__sprintf("{\"label\":[\"%s\"]}", label)))
		return ohs__error_oom();
	e = ohs__client_escape(filter);
	free(filter);
	if (!e)
		return ohs__error_oom();
	path = ohs__sprintf("%s%sfilters=%s", kind, strchr(kind, '?') ? "&" : "?", e);
	free(e);
	if (!path)
		return ohs__error_oom();
	rc = ohs__client_json(c, "GET", path, NULL, out, what);
	free(path);
	if (rc == 0 && !json_is_array(*out)) {
		json_decref(*out);
		*out = NULL;
		return ohs__error_set(OHS_EPROTOCOL, "%s: the engine's answer is not a JSON array", what);
	}
	return rc;
}

static const char *first_name(json_t *container)
{
	const char *n = json_string_value(json_array_get(json_object_get(container, "Names"), 0));

	if (n && *n == '/')
		n++;
	return n ? n : "";
}

static int label_is_true(json_t *labels, const char *key)
{
	const char *v = ohs__label(labels, key);

	return v && strcmp(v, "true") == 0;
}


int ohs_reap(ohs_client *client, unsigned flags, size_t *removed)
{
	json_t *list = NULL, *c, *nets = NULL, *n;
	char host[256];
	size_t i, count = 0;
	int rc, first_err = 0;

	if (removed)
		*removed = 0;
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_reap: client is NULL");
	if (flags & ~OHS_REAP_ALL)
		return ohs__error_set(OHS_EINVAL, "ohs_reap: unknown flags 0x%x (expected 0 or OHS_REAP_ALL)",
			flags & ~OHS_REAP_ALL);
	ohs__hostname(host, sizeof(host));

	rc = list_by_label(client, "/containers/json?all=1", OHS_LABEL_MANAGED "=true", &list,
		"list sandboxes");
	if (rc < 0)
		return rc;
	json_array_foreach(list, i, c) {
		json_t *labels = json_object_get(c, "Labels");
		const char *h = ohs__label(labels, OHS_LABEL_HOST);
		const char *id = json_string_value(json_object_get(c, "Id"));
		int kept = ohs__name_is_kept(first_name(c)) || label_is_true(labels, OHS_LABEL_KEEP);

		if (!id || !h || strcmp(h, host) != 0)
			continue; /* another host's: never ours to judge */
		if (!(flags & OHS_REAP_ALL) && (kept || ohs__owner_alive(labels)))
			continue;
		if ((rc = ohs__container_remove(client, id)) < 0) {
			if (!first_err)
				first_err = rc;
			continue;
		}
		count++;
	}
	json_decref(list);
	list = NULL;

	/* networks the library created whose session has no container left */
	rc = list_by_label(client, "/containers/json?all=1", OHS_LABEL_MANAGED "=true", &list,
		"list sandboxes");
	if (rc == 0)
		rc = list_by_label(client, "/networks", OHS_LABEL_NETWORK, &nets, "list networks");
	if (rc < 0) {
		json_decref(list);
		if (removed)
			*removed = count;
		return rc;
	}
	json_array_foreach(nets, i, n) {
		json_t *labels = json_object_get(n, "Labels");
		const char *sid = ohs__label(labels, OHS_LABEL_NETWORK);
		const char *h = ohs__label(labels, OHS_LABEL_HOST);
		const char *name = json_string_value(json_object_get(n, "Name"));
		int in_use = 0;
		size_t j;

		if (!sid || !name || !h || strcmp(h, host) != 0)
			continue;
		json_array_foreach(list, j, c) {
			const char *csid = ohs__label(json_object_get(c, "Labels"), OHS_LABEL_SESSION);

			if (csid && strcmp(csid, sid) == 0) {
				in_use = 1;
				break;
			}
		}
		/* a live owner may be between creating the network and the container */
		if (in_use || (!(flags & OHS_REAP_ALL) && ohs__owner_alive(labels)))
			continue;
		rc = ohs__network_remove(client, name);
		if (rc == OHS_ENOMEM)
			break;
		/* in use by another sandbox: not an error */
		if (rc < 0 && rc != OHS_ECONFLICT && rc != OHS_EPERM && !first_err)
			first_err = rc;
		rc = 0;
	}
	json_decref(nets);
	json_decref(list);
	if (removed)
		*removed = count;
	if (rc < 0)
		return rc;
	return first_err;
}

int ohs_session_list(char **json_out, ohs_client *client)
{
	json_t *list = NULL, *c, *arr = NULL;
	char host[256];
	size_t i;
	int rc;

	if (!json_out)
		return ohs__error_set(OHS_EINVAL, "ohs_session_list: json_out is NULL");
	*json_out = NULL;
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_session_list: client is NULL");
	ohs__hostname(host, sizeof(host));
	rc = list_by_label(client, "/containers/json?all=1", OHS_LABEL_MANAGED "=true", &list,
		"list sandboxes");
	if (rc < 0)
		return rc;
	if (!(arr = json_array()))
		goto oom;
	json_array_foreach(list, i, c) {
		json_t *labels = json_object_get(c, "Labels"), *o;
		const char *h = ohs__label(labels, OHS_LABEL_HOST);
		const char *pid_s = ohs__label(labels, OHS_LABEL_OWNER_PID);
		const char *name = first_name(c);
		const char *id = json_string_value(json_object_get(c, "Id"));
		const char *image = json_string_value(json_object_get(c, "Image"));
		const char *state = json_string_value(json_object_get(c, "State"));
		const char *sid = ohs__label(labels, OHS_LABEL_SESSION);
		json_t *alive = json_null();

		/* Podman names an unqualified local image localhost/NAME */
		if (image && ohs__client_is_podman(client) && strncmp(image, "localhost/", 10) == 0)
			image += 10;

		if (h && strcmp(h, host) == 0)
			alive = json_boolean(ohs__owner_alive(labels));
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:s, s:b, s:I}",
			"id", id ? id : "",
			"name", name,
			"image", image ? image : "",
			"state", state ? state : "",
			"session", sid ? sid : "",
			"owner_pid", (json_int_t)(pid_s ? atoll(pid_s) : 0),
			"owner_alive", alive,
			"host", h ? h : "",
			"keep", ohs__name_is_kept(name) || label_is_true(labels, OHS_LABEL_KEEP),
			"created", json_integer_value(json_object_get(c, "Created")));
		if (!o || json_array_append_new(arr, o) < 0)
			goto oom;
	}
	json_decref(list);
	*json_out = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	if (!*json_out)
		return ohs__error_oom();
	return 0;
oom:
	json_decref(list);
	json_decref(arr);
	return ohs__error_oom();
}
