/*
 * reap: find this library's sandboxes by label, list them, and remove the
 * ones whose owner process is certainly gone (with the networks the
 * library created for them, once nothing is attached to them).
 *
 * A container is one of our sandboxes only when its name is the one the
 * library gives ("ohs-" or "ohs-keep-" + the first 12 digits of its
 * session id) and its image does not carry the same session label (a
 * `docker commit` of a sandbox bakes the labels into the image, and every
 * container run from it inherits them).  Owners are judged by
 * ohs__owner_judge() from the machine id, boot id and pid namespace.
 */
#include "internal.h"
#include "session_int.h"
#include "engine_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


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

static int is_session_id(const char *s)
{
	size_t i;

	if (!s || strlen(s) != 32)
		return 0;
	for (i = 0; i < 32; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/*
 * Whether list entry `c` is a sandbox this library made: 1 yes, 0 no (*why
 * says why not), <0 only on OOM.  `images` caches image labels by image id.
 */
static int is_our_sandbox(ohs_client *client, json_t *c, json_t *images, const char **why)
{
	json_t *labels = json_object_get(c, "Labels"), *img_labels, *info = NULL;
	const char *sid = ohs__label(labels, OHS_LABEL_SESSION);
	const char *name = first_name(c);
	const char *image = json_string_value(json_object_get(c, "ImageID"));
	const char *isid;
	size_t plen;
	int rc;

	if (!json_string_value(json_object_get(c, "Id"))) {
		*why = "no container id";
		return 0;
	}
	if (!is_session_id(sid)) {
		*why = "session label is not 32 hex digits";
		return 0;
	}
	plen = strncmp(name, OHS_KEEP_PREFIX, strlen(OHS_KEEP_PREFIX)) == 0 ? strlen(OHS_KEEP_PREFIX) :
		strncmp(name, OHS_NAME_PREFIX, strlen(OHS_NAME_PREFIX)) == 0 ? strlen(OHS_NAME_PREFIX) : 0;
	if (!plen || strlen(name + plen) != 12 || strncmp(name + plen, sid, 12) != 0) {
		*why = "name is not ohs-/ohs-keep- and its session id";
		return 0;
	}
	if (!image || !*image) {
		*why = "no image id to compare the labels with";
		return 0;
	}
	if (!(img_labels = json_object_get(images, image))) {
		rc = ohs__engine_image_inspect_id(client, image, &info, "inspect image");
		if (rc == OHS_ENOMEM)
			return rc;
		img_labels = rc < 0 ? json_string("?") : /* cannot tell */
			json_incref(json_object_get(json_object_get(info, "Config"), "Labels"));
		json_decref(info);
		if (!img_labels)
			img_labels = json_null();
		if (json_object_set_new(images, image, img_labels) < 0)
			return ohs__error_oom();
	}
	if (json_is_string(img_labels)) {
		*why = "its image cannot be inspected";
		return 0;
	}
	isid = ohs__label(img_labels, OHS_LABEL_SESSION);
	if (isid && strcmp(isid, sid) == 0) {
		*why = "labels inherited from its image (docker commit of a sandbox)";
		return 0;
	}
	return 1;
}

/* "2026-12-02T12:40:28.123456789Z" or "...+01:00" to seconds; 0 unknown. */
static long long parse_rfc3339(const char *s)
{
	struct tm tm;
	int off_h = 0, off_m = 0, n = 0;
	char sign;
	time_t t;

	if (!s)
		return 0;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			&tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return 0;
	s += n;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return 0;
	if (*s == 'Z')
		return (long long)t;
	if (sscanf(s, "%c%2d:%2d", &sign, &off_h, &off_m) != 3 || (sign != '+' && sign != '-'))
		return 0;
	return (long long)t - (sign == '+' ? 1 : -1) * (off_h * 3600LL + off_m * 60LL);
}

static int in_set(const ohs__strvec *set, const char *id)
{
	const char *s;
	size_t i;

	for (i = 0; id && (s = ohs__strvec_at(set, i)); i++)
		if (strcmp(s, id) == 0)
			return 1;
	return 0;
}

/*
 * Whether network `name` still has a container attached that is not in
 * `gone`: running ones appear in the network's Containers, stopped ones
 * only in a container list filtered by network.  1 attached, 0 not, <0
 * the engine could not tell (the network is then left alone).
 */
static int network_attached(ohs_client *client, const char *name, const ohs__strvec *gone)
{
	json_t *info = NULL, *list = NULL, *c;
	const char *key;
	size_t i;
	int rc, attached = 0;

	rc = ohs__engine_network_inspect(client, name, &info, "inspect network");
	if (rc < 0)
		return rc;
	json_object_foreach(json_object_get(info, "Containers"), key, c)
		if (!in_set(gone, key))
			attached = 1;
	json_decref(info);
	if (attached)
		return 1;
	if ((rc = ohs__engine_container_list(client, "network", name, &list,
			"list the network's containers")) < 0)
		return rc;
	json_array_foreach(list, i, c)
		if (!in_set(gone, json_string_value(json_object_get(c, "Id"))))
			attached = 1;
	json_decref(list);
	return attached;
}

/* Verdicts for which this machine's OHS_REAP_ALL may remove. */
static int this_machine(ohs__owner_verdict v)
{
	return v != OHS__OWNER_FOREIGN;
}

int ohs_reap_each(ohs_client *client, unsigned flags, ohs_reap_cb cb, void *payload,
	size_t *removed)
{
	json_t *list = NULL, *c, *nets = NULL, *n, *images = NULL;
	ohs__strvec gone = { 0 };
	ohs__host_id me;
	size_t i, count = 0;
	int rc, first_err = 0, dry = (flags & OHS_REAP_DRY_RUN) != 0;
	int all = (flags & OHS_REAP_ALL) != 0;
	ohs__error_state *first_state = NULL;
	char reason[256];

	if (removed)
		*removed = 0;
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_reap: client is NULL");
	if (flags & ~(OHS_REAP_ALL | OHS_REAP_DRY_RUN))
		return ohs__error_set(OHS_EINVAL, "ohs_reap: unknown flags 0x%x "
			"(expected OHS_REAP_ALL and/or OHS_REAP_DRY_RUN)",
			flags & ~(OHS_REAP_ALL | OHS_REAP_DRY_RUN));
	ohs__host_id_get(&me);
	if (!(images = json_object()))
		return ohs__error_oom();

	rc = ohs__engine_container_list(client, "label", OHS_LABEL_MANAGED "=true", &list,
		"list sandboxes");
	if (rc < 0)
		goto out;
	json_array_foreach(list, i, c) {
		json_t *labels = json_object_get(c, "Labels");
		const char *id = json_string_value(json_object_get(c, "Id"));
		const char *name = first_name(c), *why;
		ohs__owner_verdict v;
		int kept = ohs__name_is_kept(name) || label_is_true(labels, OHS_LABEL_KEEP);

		if ((rc = is_our_sandbox(client, c, images, &why)) < 0)
			goto out;
		if (rc == 0)
			continue; /* not a sandbox of this library */
		v = ohs__owner_judge(labels, &me, json_integer_value(json_object_get(c, "Created")), &why);
		if (all ? !this_machine(v) : (v != OHS__OWNER_GONE || kept))
			continue;
		snprintf(reason, sizeof(reason), "%s%s", all ? "--all: " : "", why);
		if (cb && cb("container", id, name, reason, payload) != 0) {
			rc = ohs__error_set(OHS_ERROR, "ohs_reap_each: cancelled by the callback");
			goto out;
		}
		if ((rc = ohs__strvec_push(&gone, id)) < 0)
			goto out;
		if (!dry && (rc = ohs__engine_container_remove(client, id, "remove container")) < 0) {
			if (rc == OHS_ENOMEM)
				goto out;
			/* gone meanwhile, or being removed: another reaper (or
			 * its owner's last call) got there first; not an error */
			if (rc == OHS_ENOTFOUND || rc == OHS_ECONFLICT)
				continue;
			if (!first_err) {
				first_err = rc;
				first_state = ohs__error_save();
			}
			continue;
		}
		count++;
	}
	json_decref(list);
	list = NULL;

	/* networks the library created whose session has no container left
	 * and to which no container at all is attached */
	rc = ohs__engine_container_list(client, "label", OHS_LABEL_MANAGED "=true", &list,
		"list sandboxes");
	if (rc == 0)
		rc = ohs__engine_network_list(client, "label", OHS_LABEL_NETWORK, &nets, "list networks");
	if (rc < 0)
		goto out;
	json_array_foreach(nets, i, n) {
		json_t *labels = json_object_get(n, "Labels");
		const char *sid = ohs__label(labels, OHS_LABEL_NETWORK);
		const char *name = json_string_value(json_object_get(n, "Name"));
		const char *id = json_string_value(json_object_get(n, "Id"));
		const char *why, *not_ours;
		ohs__owner_verdict v;
		int in_use = 0;
		size_t j;

		if (!sid || !name)
			continue;
		v = ohs__owner_judge(labels, &me, parse_rfc3339(json_string_value(json_object_get(n, "Created"))),
			&why);
		/* a live owner may be between creating the network and the container */
		if (all ? !this_machine(v) : v != OHS__OWNER_GONE)
			continue;
		json_array_foreach(list, j, c) {
			const char *csid = ohs__label(json_object_get(c, "Labels"), OHS_LABEL_SESSION);

			if (!csid || strcmp(csid, sid) != 0 ||
					in_set(&gone, json_string_value(json_object_get(c, "Id"))))
				continue;
			/* (a container run from a commit of the session's sandbox
			 * carries its session label and is not the session's) */
			if ((rc = is_our_sandbox(client, c, images, &not_ours)) < 0)
				goto out;
			if (rc > 0) {
				in_use = 1;
				break;
			}
		}
		if (in_use)
			continue;
		if ((rc = network_attached(client, name, &gone)) == OHS_ENOMEM)
			goto out;
		if (rc != 0)
			continue; /* attached, or the engine cannot tell: leave it */
		snprintf(reason, sizeof(reason), "%sno container attached; %s", all ? "--all: " : "", why);
		if (cb && cb("network", id ? id : "", name, reason, payload) != 0) {
			rc = ohs__error_set(OHS_ERROR, "ohs_reap_each: cancelled by the callback");
			goto out;
		}
		if (dry)
			continue;
		rc = ohs__engine_network_remove(client, name, "remove network");
		if (rc == OHS_ENOMEM)
			goto out;
		/* attached meanwhile, or removed by another reaper: not an error */
		if (rc < 0 && rc != OHS_ECONFLICT && rc != OHS_EPERM && rc != OHS_ENOTFOUND &&
				!first_err) {
			first_err = rc;
			first_state = ohs__error_save();
		}
	}
	rc = 0;
out:
	json_decref(nets);
	json_decref(list);
	json_decref(images);
	ohs__strvec_clear(&gone);
	if (removed)
		*removed = count;
	if (rc < 0) {
		free(first_state); /* the later, fatal error stands */
		return rc;
	}
	/* the first failure's own message, not whatever a later step left */
	if (first_err)
		ohs__error_restore(first_state);
	return first_err;
}

int ohs_reap(ohs_client *client, unsigned flags, size_t *removed)
{
	return ohs_reap_each(client, flags, NULL, NULL, removed);
}

int ohs_session_list(char **json_out, ohs_client *client)
{
	json_t *list = NULL, *c, *arr = NULL, *images = NULL;
	ohs__host_id me;
	size_t i;
	int rc;

	if (!json_out)
		return ohs__error_set(OHS_EINVAL, "ohs_session_list: json_out is NULL");
	*json_out = NULL;
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_session_list: client is NULL");
	ohs__host_id_get(&me);
	rc = ohs__engine_container_list(client, "label", OHS_LABEL_MANAGED "=true", &list,
		"list sandboxes");
	if (rc < 0)
		return rc;
	if (!(arr = json_array()) || !(images = json_object()))
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
		const char *why;
		json_t *alive = json_null();
		ohs__owner_verdict v;

		if ((rc = is_our_sandbox(client, c, images, &why)) < 0)
			goto fail;
		if (rc == 0)
			continue;
		/* Podman names an unqualified local image localhost/NAME */
		image = ohs__engine_image_display(client, image);

		v = ohs__owner_judge(labels, &me, json_integer_value(json_object_get(c, "Created")), &why);
		if (v == OHS__OWNER_ALIVE || v == OHS__OWNER_GONE)
			alive = json_boolean(v == OHS__OWNER_ALIVE);
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
	json_decref(images);
	*json_out = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	if (!*json_out)
		return ohs__error_oom();
	return 0;
oom:
	rc = ohs__error_oom();
fail:
	json_decref(list);
	json_decref(arr);
	json_decref(images);
	return rc;
}

/* ------------------------------------------------------------ API 1.1 additions */

int ohs_reap_run(ohs_client *client, unsigned flags, size_t *removed)
{
	return ohs_reap_each(client, flags, NULL, NULL, removed);
}

/*
 * The typed list keeps the parsed array of ohs_session_list(): one source
 * for both forms, and the strings stay owned by the JSON values.
 */
struct ohs_sessions {
	json_t *arr;
	size_t n;
};

int ohs_sessions_list(ohs_sessions **out, ohs_client *client)
{
	ohs_sessions *l;
	json_error_t jerr;
	char *json = NULL;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_sessions_list: out is NULL");
	*out = NULL;
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_sessions_list: client is NULL");
	if ((rc = ohs_session_list(&json, client)) < 0)
		return rc;
	if (!(l = calloc(1, sizeof(*l)))) {
		free(json);
		return ohs__error_oom();
	}
	l->arr = json_loads(json, 0, &jerr);
	free(json);
	if (!json_is_array(l->arr)) {
		json_decref(l->arr);
		free(l);
		return ohs__error_oom(); /* our own output: only memory can fail */
	}
	l->n = json_array_size(l->arr);
	*out = l;
	return 0;
}

void ohs_sessions_free(ohs_sessions *l)
{
	if (!l)
		return;
	json_decref(l->arr);
	free(l);
}

size_t ohs_sessions_count(const ohs_sessions *l)
{
	return l ? l->n : 0;
}

static json_t *sessions_field(const ohs_sessions *l, size_t i, const char *key)
{
	if (!l || i >= l->n)
		return NULL;
	return json_object_get(json_array_get(l->arr, i), key);
}

const char *ohs_sessions_id(const ohs_sessions *l, size_t i)
{
	return json_string_value(sessions_field(l, i, "id"));
}

const char *ohs_sessions_name(const ohs_sessions *l, size_t i)
{
	return json_string_value(sessions_field(l, i, "name"));
}

const char *ohs_sessions_image(const ohs_sessions *l, size_t i)
{
	return json_string_value(sessions_field(l, i, "image"));
}

const char *ohs_sessions_state(const ohs_sessions *l, size_t i)
{
	return json_string_value(sessions_field(l, i, "state"));
}

const char *ohs_sessions_session(const ohs_sessions *l, size_t i)
{
	return json_string_value(sessions_field(l, i, "session"));
}

const char *ohs_sessions_host(const ohs_sessions *l, size_t i)
{
	return json_string_value(sessions_field(l, i, "host"));
}

int64_t ohs_sessions_owner_pid(const ohs_sessions *l, size_t i)
{
	return (int64_t)json_integer_value(sessions_field(l, i, "owner_pid"));
}

int ohs_sessions_owner_alive(const ohs_sessions *l, size_t i)
{
	json_t *v = sessions_field(l, i, "owner_alive");

	return json_is_boolean(v) ? json_is_true(v) : -1;
}

int ohs_sessions_keep(const ohs_sessions *l, size_t i)
{
	return json_is_true(sessions_field(l, i, "keep"));
}

int64_t ohs_sessions_created(const ohs_sessions *l, size_t i)
{
	return (int64_t)json_integer_value(sessions_field(l, i, "created"));
}
