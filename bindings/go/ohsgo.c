/*
 * C side of the Go binding: trampolines from libohsandbox callbacks into
 * exported Go functions, and string-vector helpers.  The callback payload is
 * a runtime/cgo.Handle carried as uintptr_t, never a Go pointer.
 */
#include "ohsgo.h"
#include "_cgo_export.h"

static int output_tramp(int stream, const char *data, size_t len, void *payload)
{
	return ohsgoOutput(stream, (char *)data, len, (uintptr_t)payload);
}

static int progress_tramp(const char *status, const char *id, int64_t current,
	int64_t total, void *payload)
{
	return ohsgoProgress((char *)status, (char *)id, current, total, (uintptr_t)payload);
}

int ohsgo_exec_opts_set_output(ohs_exec_opts *o, uintptr_t h)
{
	if (!h)
		return ohs_exec_opts_set_output_cb(o, NULL, NULL);
	return ohs_exec_opts_set_output_cb(o, output_tramp, (void *)h);
}

int ohsgo_session_create(ohs_session **out, ohs_client *client,
	const ohs_config *cfg, uintptr_t h)
{
	return ohs_session_create(out, client, cfg, h ? progress_tramp : NULL, (void *)h);
}

int ohsgo_session_create_main(ohs_session **out, ohs_client *client,
	const ohs_config *cfg, const char *const *argv, uintptr_t h)
{
	return ohs_session_create_main(out, client, cfg, argv, h ? progress_tramp : NULL, (void *)h);
}

static int reap_tramp(const char *kind, const char *id, const char *name,
	const char *reason, void *payload)
{
	return ohsgoReap((char *)kind, (char *)id, (char *)name, (char *)reason, (uintptr_t)payload);
}

int ohsgo_reap_each(ohs_client *client, unsigned flags, uintptr_t h, size_t *removed)
{
	return ohs_reap_each(client, flags, reap_tramp, (void *)h, removed);
}

int ohsgo_session_logs(ohs_session *s, int tail, uintptr_t h)
{
	return ohs_session_logs(s, tail, output_tramp, (void *)h);
}

char **ohsgo_strv_new(size_t n)
{
	return calloc(n + 1, sizeof(char *));
}

void ohsgo_strv_set(char **v, size_t i, char *s)
{
	v[i] = s;
}

void ohsgo_strv_free(char **v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}
