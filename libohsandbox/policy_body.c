/*
 * policy_body: typed access to the create body for the policy checks
 * (missing member or the expected JSON type, else an OHS_EINVAL naming the
 * path), the walk that refuses key spellings the engine would read unseen,
 * and the helpers that add a finding at a field.  Used by policy.c,
 * policy_paths.c and policy_keys.c only.
 */
#include "policy_impl_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ------------------------------------------------------------ body access */


int ohs__policy_type_error(const char *path, const char *expected, const json_t *v)
{
	static const char *const names[] = { "object", "array", "string", "integer", "real", "true",
		"false", "null" };
	int t = (int)json_typeof(v);

	return ohs__error_set(OHS_EINVAL, "create body: %s must be %s, got %s", path, expected,
		t >= 0 && (size_t)t < OHS_ARRAY_SIZE(names) ? names[t] : "?");
}

/* A member that may be missing or null (-> *out NULL), else of the given type. */
static int get_typed(json_t **out, json_t *obj, const char *key, const char *path, json_type type,
	const char *expected)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_typeof(v) != type && !(type == JSON_TRUE && json_is_boolean(v)))
		return ohs__policy_type_error(path, expected, v);
	*out = v;
	return 0;
}

int ohs__policy_get_bool(int *out, json_t *obj, const char *key, const char *path)
{
	json_t *v;
	int rc = get_typed(&v, obj, key, path, JSON_TRUE, "a boolean");

	*out = v ? json_is_true(v) : 0;
	return rc;
}

int ohs__policy_get_int(json_int_t *out, json_t *obj, const char *key, const char *path)
{
	json_t *v;
	int rc = get_typed(&v, obj, key, path, JSON_INTEGER, "an integer");

	*out = v ? json_integer_value(v) : 0;
	return rc;
}

int ohs__policy_get_str(const char **out, json_t *obj, const char *key, const char *path)
{
	json_t *v;
	int rc = get_typed(&v, obj, key, path, JSON_STRING, "a string");

	*out = v ? json_string_value(v) : NULL;
	return rc;
}

int ohs__policy_get_array(json_t **out, json_t *obj, const char *key, const char *path)
{
	return get_typed(out, obj, key, path, JSON_ARRAY, "an array");
}

int ohs__policy_get_object(json_t **out, json_t *obj, const char *key, const char *path)
{
	return get_typed(out, obj, key, path, JSON_OBJECT, "an object");
}

/*
 * The engine (Go) matches JSON keys case-insensitively, so "privileged"
 * would set HostConfig.Privileged unseen: refuse any other spelling of a
 * key the checks read.
 */
int ohs__policy_keys_exact(json_t *obj, const char *path, const char *const *names, size_t n)
{
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(obj))
		return 0;
	json_object_foreach(obj, key, v) {
		for (i = 0; i < n; i++)
			if (strcasecmp(key, names[i]) == 0 && strcmp(key, names[i]) != 0)
				return ohs__error_set(OHS_EINVAL, "create body: key \"%s\" in %s must be spelled "
					"\"%s\" (the engine matches keys case-insensitively)", key, path, names[i]);
	}
	return 0;
}


/*
 * Members of the create body whose objects the engine decodes into Go maps:
 * their keys are data (label names, ports, paths, network names), matched
 * exactly.  Every other object is decoded into a struct.  Names compare
 * ASCII-case-insensitively, the way the engine matches the member itself.
 */
static const char *const map_members[] = {
	"Labels", "Volumes", "ExposedPorts", "PortBindings", "Annotations", "StorageOpt", "Tmpfs",
	"Sysctls", "Config", "Options", "EndpointsConfig", "DriverOpts",
};

static int is_map_member(const char *key)
{
	size_t i;

	for (i = 0; i < OHS_ARRAY_SIZE(map_members); i++)
		if (strcasecmp(key, map_members[i]) == 0)
			return 1;
	return 0;
}

static int key_is_ascii(const char *key)
{
	for (; *key; key++)
		if ((unsigned char)*key >= 0x80)
			return 0;
	return 1;
}

/*
 * Go's encoding/json matches a key to a struct field case-insensitively,
 * and for non-ASCII keys with Unicode folding that depends on the Go version
 * (U+017F long s is "s", U+212A Kelvin sign is "k"; newer versions also fold
 * U+0131 and U+0130 to "i").  So in every object decoded into a struct: a key with a byte
 * >= 0x80 is refused (no field of the Engine API has one), and two keys
 * that are equal ignoring ASCII case are refused (the engine would take the
 * later one).  Map objects (map_members) keep any key; their values are
 * walked.  The walk covers the whole body, not only the members the checks
 * read, so no spelling can reach a field unseen.
 */
int ohs__policy_keys_walk(json_t *v, const char *path, int is_map)
{
	const char *key;
	json_t *child, *seen = NULL;
	size_t i;
	int rc = 0;

	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v) && rc == 0; i++) {
			child = json_array_get(v, i);
			if (json_is_object(child) || json_is_array(child)) {
				char *sub = ohs__sprintf("%s[%zu]", path, i);

				rc = sub ? ohs__policy_keys_walk(child, sub, 0) : ohs__error_oom();
				free(sub);
			}
		}
		return rc;
	}
	if (!json_is_object(v))
		return 0;
	if (!is_map && !(seen = json_object()))
		return ohs__error_oom();
	json_object_foreach(v, key, child) {
		char *sub;

		if (!is_map) {
			char *low;
			json_t *prev;

			if (!key_is_ascii(key)) {
				rc = ohs__error_set(OHS_EINVAL, "create body: key \"%s\" in %s is not ASCII; "
					"the engine folds Unicode letters in keys (U+017F is \"s\", U+212A "
					"is \"k\"), so it could set a field unseen; expected the field's "
					"ASCII name", key, path);
				break;
			}
			if (!(low = ohs__strdup(key))) {
				rc = ohs__error_oom();
				break;
			}
			for (i = 0; low[i]; i++)
				low[i] = (char)tolower((unsigned char)low[i]);
			prev = json_object_get(seen, low);
			if (prev) {
				rc = ohs__error_set(OHS_EINVAL, "create body: keys \"%s\" and \"%s\" in %s "
					"are the same field for the engine (it matches keys "
					"case-insensitively); expected one of them", json_string_value(prev),
					key, path);
				free(low);
				break;
			}
			rc = json_object_set_new(seen, low, json_string(key)) ? ohs__error_oom() : 0;
			free(low);
			if (rc < 0)
				break;
		}
		if (!json_is_object(child) && !json_is_array(child))
			continue;
		if (is_map)
			sub = ohs__sprintf("%s[\"%s\"]", path, key);
		else if (strcmp(path, "the body") == 0)
			sub = ohs__strdup(key);
		else
			sub = ohs__sprintf("%s.%s", path, key);
		rc = sub ? ohs__policy_keys_walk(child, sub, !is_map && is_map_member(key)) : ohs__error_oom();
		free(sub);
		if (rc < 0)
			break;
	}
	json_decref(seen);
	return rc;
}


/* Element i of an array, which must be a string. */
int ohs__policy_array_str(const char **out, json_t *arr, size_t i, const char *path)
{
	json_t *v = json_array_get(arr, i);

	if (!json_is_string(v)) {
		char *p = ohs__sprintf("%s[%zu]", path, i);
		int rc = p ? ohs__policy_type_error(p, "a string", v) : ohs__error_oom();

		free(p);
		return rc;
	}
	*out = json_string_value(v);
	return 0;
}

int ohs__policy_add(ctx *c, enum check k, const char *field, const char *value)
{
	return ohs__policy_findings_add(c->f, k, field, value, 0, 0);
}

/* ohs__policy_add() with a formatted field "prefix[i]suffix". */
int ohs__policy_add_at(ctx *c, enum check k, const char *prefix, size_t i, const char *suffix,
	const char *value)
{
	char *field = ohs__sprintf("%s[%zu]%s", prefix, i, suffix ? suffix : "");
	int rc;

	if (!field)
		return ohs__error_oom();
	rc = ohs__policy_add(c, k, field, value);
	free(field);
	return rc;
}

int ohs__policy_in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}
