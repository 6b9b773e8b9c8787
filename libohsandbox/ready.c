/*
 * ready: readiness of a started sandbox: ohs_session_wait_http() polls a
 * published port over HTTP until it answers 2xx, the sandbox stops (the
 * error names its state and last log lines) or the time is up.  User: the
 * public API (callers and the bindings).  The HTTP attempts go through
 * the transport (probe.c); this file does not include libcurl.
 */
#include "internal.h"
#include "session_priv.h"
#include "probe_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static int collect_log(int stream, const char *data, size_t len, void *payload)
{
	(void)stream;
	return ohs__buf_append(payload, data, len) < 0 ? -1 : 0;
}

/* OHS_ESTATE naming the state and the last log lines. */
static int not_running_error(ohs_session *s, json_t *state, const char *url)
{
	ohs__buf log = {0};
	const char *status = ohs__jstr(state, "Status");
	long long code = json_integer_value(json_object_get(state, "ExitCode"));

	(void)ohs_session_logs(s, 10, collect_log, &log);
	ohs__error_set(OHS_ESTATE, "sandbox \"%s\" is not running (%s, exit code %lld) while waiting "
		"for %s; last log lines:\n%s", s->name, status ? status : "unknown", code, url,
		log.len ? log.data : "(none)");
	ohs__buf_clear(&log);
	return OHS_ESTATE;
}


int ohs_session_wait_http(ohs_session *s, int container_port,
	const char *path, long timeout_ms, long interval_ms)
{
	const session_port *p = NULL;
	const char *ip;
	char *url = NULL, last[OHS__PROBE_WHY_SIZE + 64] = "no attempt";
	ohs__probe *h = NULL;
	long deadline;
	size_t i;
	int rc;

	if ((rc = ohs__session_live(s, "ohs_session_wait_http")) < 0)
		return rc;
	if (!path)
		path = "/";
	if (*path != '/')
		return ohs__error_set(OHS_EINVAL, "ohs_session_wait_http: path \"%s\" must start with '/'", path);
	if (timeout_ms < 0 || interval_ms < 0)
		return ohs__error_set(OHS_EINVAL, "ohs_session_wait_http: timeout_ms and interval_ms must be >= 0");
	if (interval_ms == 0)
		interval_ms = 100;
	/* prefer an IPv4 binding; any binding of the port otherwise */
	for (i = 0; i < s->nports; i++) {
		if (s->ports[i].container_port != container_port || strcmp(s->ports[i].protocol, "tcp"))
			continue;
		if (!p || (strchr(p->host_ip, ':') && !strchr(s->ports[i].host_ip, ':')))
			p = &s->ports[i];
	}
	if (!p)
		return ohs__error_set(OHS_EINVAL, "ohs_session_wait_http: container port %d/tcp is not "
			"published by sandbox \"%s\" (%zu published bindings; was it started?)",
			container_port, s->name, s->nports);
	ip = p->host_ip;
	if (!*ip || strcmp(ip, "0.0.0.0") == 0)
		ip = "127.0.0.1";
	else if (strcmp(ip, "::") == 0)
		ip = "::1";
	url = strchr(ip, ':') ? ohs__sprintf("http://[%s]:%d%s", ip, p->host_port, path)
		: ohs__sprintf("http://%s:%d%s", ip, p->host_port, path);
	if (!url)
		return ohs__error_oom();
	if ((rc = ohs__probe_new(&h, url)) < 0) {
		free(url);
		return rc;
	}

	deadline = ohs__now_ms() + timeout_ms;
	for (;;) {
		json_t *info = NULL, *state;
		long status = 0, left = deadline - ohs__now_ms(), attempt;

		attempt = left < 100 ? 100 : left > 5000 ? 5000 : left;
		if (ohs__probe_get(h, attempt, &status, last, sizeof(last)) == 0) {
			if (status >= 200 && status < 300) {
				rc = 0;
				break;
			}
			snprintf(last, sizeof(last), "HTTP %ld", status);
		}
		if ((rc = ohs__container_inspect(s->client, s->id, &info, "inspect container")) < 0)
			break;
		state = json_object_get(info, "State");
		if (!json_is_true(json_object_get(state, "Running"))) {
			rc = not_running_error(s, state, url);
			json_decref(info);
			break;
		}
		json_decref(info);
		left = deadline - ohs__now_ms();
		if (left <= 0) {
			rc = ohs__error_set(OHS_ETIMEOUT, "ohs_session_wait_http: %s did not answer 2xx "
				"within %ld ms (last attempt: %s)", url, timeout_ms, last);
			break;
		}
		{
			long nap = interval_ms < left ? interval_ms : left;
			struct timespec ts = { nap / 1000, (nap % 1000) * 1000000L };

			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
	}
	ohs__probe_free(h);
	free(url);
	return rc;
}
