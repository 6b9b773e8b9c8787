/*
 * pull: the sandbox's image: inspect it, and pull it when the engine does
 * not have it (POST /images/create, the progress stream parsed line by
 * line into the caller's progress callback, the stream's error mapped to
 * OHS_ENOTFOUND or OHS_EENGINE).  User: session.c (create).
 */
#include "internal.h"
#include "session_priv.h"
#include "engine_int.h"
#include "image_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ image and pull */

typedef struct {
	const char *image;
	ohs_progress_cb cb;
	void *payload;
	ohs__buf line;
	char *error;
	int cancelled;
} pull_state;

static int pull_line(pull_state *ps, const char *line, size_t len)
{
	json_t *msg, *detail;
	const char *err;
	int ret = 0;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (!len)
		return 0;
	if (!(msg = json_loadb(line, len, 0, NULL)))
		return 0; /* not JSON: ignore */
	if ((err = ohs__jstr(msg, "error")) != NULL) {
		if (!ps->error)
			ps->error = ohs__strdup(err);
	} else if (ps->cb) {
		const char *status = ohs__jstr(msg, "status");
		const char *id = ohs__jstr(msg, "id");
		int64_t cur = 0, total = 0;

		detail = json_object_get(msg, "progressDetail");
		if (json_is_integer(json_object_get(detail, "current")))
			cur = json_integer_value(json_object_get(detail, "current"));
		if (json_is_integer(json_object_get(detail, "total")))
			total = json_integer_value(json_object_get(detail, "total"));
		if (ps->cb(status ? status : "", id ? id : "", cur, total, ps->payload) != 0) {
			ps->cancelled = 1;
			ret = OHS_ERROR;
		}
	}
	json_decref(msg);
	return ret;
}

static int pull_data(const char *data, size_t len, void *payload)
{
	pull_state *ps = payload;
	size_t i, start = 0;
	int rc;

	for (i = 0; i < len; i++) {
		if (data[i] != '\n')
			continue;
		if (ps->line.len) {
			if ((rc = ohs__buf_append(&ps->line, data + start, i - start)) < 0)
				return rc;
			rc = pull_line(ps, ps->line.data, ps->line.len);
			ps->line.len = 0;
		} else {
			rc = pull_line(ps, data + start, i - start);
		}
		if (rc)
			return rc;
		start = i + 1;
	}
	if (start < len)
		return ohs__buf_append(&ps->line, data + start, len - start);
	return 0;
}

static int pull_image(ohs_client *c, const char *image, ohs_progress_cb cb, void *payload)
{
	pull_state ps = { image, cb, payload, {0}, NULL, 0 };
	char *repo = NULL, *tag = NULL;
	int rc;

	if ((rc = ohs__image_split(image, 1, &repo, &tag)) < 0)
		return rc;
	rc = ohs__engine_image_pull(c, repo, tag, pull_data, &ps, "pull image");
	if (rc == 0 && ps.line.len)
		rc = pull_line(&ps, ps.line.data, ps.line.len);
	if (ps.cancelled) {
		rc = ohs__error_set(OHS_ERROR, "pull of image \"%s\" cancelled by the progress callback", image);
	} else if (ps.error) {
		ohs__eng_err kind = ohs__engine_pull_text_kind(ps.error);

		rc = ohs__error_set(kind == OHS__ENG_NOT_FOUND ? OHS_ENOTFOUND : OHS_EENGINE,
			"pull image \"%s\": %s", image, ps.error);
		ohs__error_set_kind(kind);
	} else if (rc < 0) {
		char *pfx = ohs__sprintf("image \"%s\"", image);

		if (pfx)
			ohs__error_prefix(pfx);
		free(pfx);
	}
	ohs__buf_clear(&ps.line);
	free(ps.error);
	free(repo);
	free(tag);
	return rc;
}

/* Inspect the image, pulling it when missing; *config gets the image's Config. */
int ohs__image_ensure(ohs_client *c, const char *image, ohs_progress_cb cb, void *payload,
	json_t **info)
{
	int rc = ohs__engine_image_inspect(c, image, info, "inspect image");

	if (rc == OHS_ENOTFOUND) {
		if ((rc = pull_image(c, image, cb, payload)) == 0)
			rc = ohs__engine_image_inspect(c, image, info, "inspect image");
	}
	return rc;
}
