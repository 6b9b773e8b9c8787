/*
 * probe: the transport of readiness: one plain HTTP GET of a published
 * port with libcurl (http only, no proxy, no redirects, the body thrown
 * away), reused from one attempt to the next.  User: ready.c
 * (ohs_session_wait_http).  The session files never include libcurl.
 */
#include "internal.h"
#include "probe_int.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>

struct ohs__probe {
	CURL *h;
};

static size_t discard_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	(void)ptr;
	(void)ud;
	return size * nmemb;
}

int ohs__probe_new(ohs__probe **out, const char *url)
{
	ohs__probe *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p || !(p->h = curl_easy_init())) {
		free(p);
		return ohs__error_oom();
	}
	curl_easy_setopt(p->h, CURLOPT_URL, url);
	curl_easy_setopt(p->h, CURLOPT_NOPROXY, "*");
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(p->h, CURLOPT_PROTOCOLS_STR, "http");
#else
	curl_easy_setopt(p->h, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTP);
#endif
	curl_easy_setopt(p->h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(p->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(p->h, CURLOPT_WRITEFUNCTION, discard_body);
	*out = p;
	return 0;
}

int ohs__probe_get(ohs__probe *p, long timeout_ms, long *status, char *why, size_t len)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode cc;

	*status = 0;
	curl_easy_setopt(p->h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(p->h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(p->h, CURLOPT_ERRORBUFFER, errbuf);
	cc = curl_easy_perform(p->h);
	curl_easy_setopt(p->h, CURLOPT_ERRORBUFFER, NULL);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(p->h, CURLINFO_RESPONSE_CODE, status);
		return 0;
	}
	if (len)
		snprintf(why, len, "%s", *errbuf ? errbuf : curl_easy_strerror(cc));
	return -1;
}

void ohs__probe_free(ohs__probe *p)
{
	if (!p)
		return;
	curl_easy_cleanup(p->h);
	free(p);
}
