/*
 * client: plain HTTP requests to the Docker Engine API (libcurl + jansson).
 *
 * One ohs_client keeps a small stack of idle CURL easy handles for plain
 * requests, each holding its kept-alive connection.  A request takes a handle
 * from the stack (or makes one when all are busy) and puts it back after, so
 * a single thread always reuses one connection, while threads sharing the
 * client make their requests in parallel instead of queueing behind one
 * another (a container start takes ~160 ms).  The mutex only guards the
 * stack, the counters and the timeouts.  Streams, uploads and hijacked
 * connections use easy handles of their own (and so connections of their
 * own).
 *
 * Here: the easy-handle set-up (TLS options included), libcurl failures and
 * HTTP statuses as OHS_E* (with why a unix socket cannot be used), plain
 * and JSON requests, /_ping, streamed responses and uploads.  The client object itself (DOCKER_HOST, TLS files,
 * version negotiation) is endpoint.c's; hijacked connections are conn.c's.
 */
#include "transport_int.h"
#include "engine_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* ---------------------------------------------------------------- global */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

static void curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_ALL);
}

int ohs__curl_init(void)
{
	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc != CURLE_OK)
		return ohs__error_set(OHS_ERROR, "libcurl initialisation failed: %s",
			curl_easy_strerror(curl_init_rc));
	return 0;
}

/* ---------------------------------------------------------------- helpers */

void ohs__response_clear(ohs__response *r)
{
	if (!r)
		return;
	free(r->body);
	r->body = NULL;
	r->len = 0;
	r->status = 0;
}

char *ohs__client_escape(const char *s)
{
	char *e, *out;

	if (!s || ohs__curl_init() < 0)
		return NULL;
	e = curl_easy_escape(NULL, s, (int)strlen(s));
	if (!e)
		return NULL;
	out = strdup(e);
	curl_free(e);
	return out;
}

char *ohs__client_path(const char *prefix, const char *arg, const char *suffix)
{
	char *e = ohs__client_escape(arg), *path;

	path = e ? ohs__sprintf("%s%s%s", prefix, e, suffix ? suffix : "") : NULL;
	free(e);
	if (!path)
		ohs__error_oom();
	return path;
}

/*
 * Find out why the unix socket cannot be used, with an accurate errno:
 * stat, access, then a real connect.  Returns 0 when it looks fine.
 */
int ohs__client_diagnose_unix(const ohs_client *c)
{
	struct stat st;
	struct sockaddr_un sa;
	int fd, err;

	if (stat(c->sock_path, &st) < 0) {
		err = errno;
		if (err == EACCES)
			goto eperm;
		return ohs__error_set(OHS_EUNREACHABLE,
			"cannot connect to the Docker engine at %s (%s): %s",
			c->host, c->origin, strerror(err));
	}
	if (!S_ISSOCK(st.st_mode))
		return ohs__error_set(OHS_EUNREACHABLE,
			"cannot connect to the Docker engine at %s (%s): %s is not a socket",
			c->host, c->origin, c->sock_path);
	if (access(c->sock_path, R_OK | W_OK) < 0) {
		err = errno;
		if (err == EACCES || err == EPERM)
			goto eperm;
		return ohs__error_set(OHS_EUNREACHABLE,
			"cannot connect to the Docker engine at %s (%s): %s",
			c->host, c->origin, strerror(err));
	}
	if (strlen(c->sock_path) >= sizeof(sa.sun_path))
		return ohs__error_set(OHS_EINVAL,
			"DOCKER_HOST socket path \"%s\" is too long (at most %zu bytes)",
			c->sock_path, sizeof(sa.sun_path) - 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ohs__error_set(OHS_ERROR, "socket: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, c->sock_path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		close(fd);
		if (err == EACCES || err == EPERM)
			goto eperm;
		return ohs__error_set(OHS_EUNREACHABLE,
			"cannot connect to the Docker engine at %s (%s): %s",
			c->host, c->origin, strerror(err));
	}
	close(fd);
	return 0;
eperm:
	return ohs__error_set(OHS_EPERM,
		"permission denied on the Docker engine socket %s (%s): %s; "
		"the user needs read and write access to it (e.g. membership of its group)",
		c->sock_path, c->origin, strerror(EACCES));
}

static const char *tls_files_desc(const ohs_client *c, char *buf, size_t n)
{
	snprintf(buf, n, "CA %s, certificate %s, key %s",
		c->ca_file ? c->ca_file : "(none)",
		c->cert_file ? c->cert_file : "(none)",
		c->key_file ? c->key_file : "(none)");
	return buf;
}

/* Turn a libcurl failure into an OHS_E* with a message. */
static int curl_error(const ohs_client *c, CURLcode rc, const char *errbuf,
	const char *what, long timeout_ms)
{
	const char *msg = errbuf && *errbuf ? errbuf : curl_easy_strerror(rc);
	char files[1024];
	int code;

	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		if (c->sock_path && (code = ohs__client_diagnose_unix(c)) < 0)
			return code;
		return ohs__error_set(OHS_EUNREACHABLE,
			"cannot connect to the Docker engine at %s (%s): %s",
			c->host, c->origin, msg);
	case CURLE_OPERATION_TIMEDOUT:
		return ohs__error_set(OHS_ETIMEOUT,
			"%s: no answer from the Docker engine at %s within %ld ms (%s)",
			what, c->host, timeout_ms, msg);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_USE_SSL_FAILED:
		return ohs__error_set(OHS_ETLS,
			"TLS with the Docker engine at %s failed: %s (%s)",
			c->host, msg, tls_files_desc(c, files, sizeof(files)));
	case CURLE_GOT_NOTHING:
		return ohs__error_set(OHS_EPROTOCOL,
			"%s: the Docker engine at %s closed the connection without answering",
			what, c->host);
	case CURLE_PARTIAL_FILE:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
		return ohs__error_set(OHS_EPROTOCOL,
			"%s: malformed or truncated answer from the Docker engine at %s: %s",
			what, c->host, msg);
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		/* A TLS alert after the handshake (e.g. TLS 1.3 "certificate
		 * required") shows up as a read or write error. */
		if (c->tls && strstr(msg, "SSL"))
			return ohs__error_set(OHS_ETLS,
				"TLS with the Docker engine at %s failed: %s (%s)",
				c->host, msg, tls_files_desc(c, files, sizeof(files)));
		return ohs__error_set(OHS_EUNREACHABLE,
			"%s: connection to the Docker engine at %s lost: %s", what, c->host, msg);
	case CURLE_OUT_OF_MEMORY:
		return ohs__error_oom();
	default:
		return ohs__error_set(OHS_ERROR, "%s: request to the Docker engine at %s failed: %s",
			what, c->host, msg);
	}
}

/* The answer's meaning (code, message, kind; Podman's wording) is the
 * engine layer's: engine_err.c. */
int ohs__client_status_error(long status, const char *body, size_t len, const char *what)
{
	return ohs__engine_answer_error(status, body, len, what);
}

/* ---------------------------------------------------------------- easy handle setup */

static int setup_easy(ohs_client *c, CURL *e, const char *url, char *errbuf,
	long connect_ms, long timeout_ms)
{
	CURLcode rc = CURLE_OK;

#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(e, opt, val); } while (0)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_PROXY, "");
	SET(CURLOPT_NOPROXY, "*");
	if (c->sock_path)
		SET(CURLOPT_UNIX_SOCKET_PATH, c->sock_path);
	if (connect_ms > 0)
		SET(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	if (timeout_ms > 0)
		SET(CURLOPT_TIMEOUT_MS, timeout_ms);
	if (c->tls) {
		/*
		 * Like the Docker CLI, trust only DOCKER_CERT_PATH/ca.pem: no
		 * built-in CA bundle (CURLOPT_CAINFO is ca.pem or nothing), no
		 * built-in CA directory (CURLOPT_CAPATH NULL disables it, see
		 * CURLOPT_CAPATH(3); curl_easy_reset() brings the default back,
		 * so it is cleared on every set-up) and no CA store cached from
		 * another handle.
		 */
		SET(CURLOPT_CAPATH, (char *)NULL);
		if (c->ca_file)
			SET(CURLOPT_CAINFO, c->ca_file);
#if LIBCURL_VERSION_NUM >= 0x075700 /* 7.87.0 */
		if (rc == CURLE_OK)
			(void)curl_easy_setopt(e, CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif
		if (c->cert_file)
			SET(CURLOPT_SSLCERT, c->cert_file);
		if (c->key_file)
			SET(CURLOPT_SSLKEY, c->key_file);
		SET(CURLOPT_SSL_VERIFYPEER, c->tls_verify ? 1L : 0L);
		SET(CURLOPT_SSL_VERIFYHOST, c->tls_verify ? 2L : 0L);
	}
#undef SET
	if (rc != CURLE_OK)
		return ohs__error_set(OHS_ERROR, "libcurl option setup failed: %s",
			curl_easy_strerror(rc));
	errbuf[0] = '\0';
	return 0;
}

static char *make_url(const ohs_client *c, const char *path, int versioned)
{
	if (versioned)
		return ohs__sprintf("%s/v%s%s", c->base_url, c->api_version, path);
	return ohs__sprintf("%s%s", c->base_url, path);
}

static int set_method_body(CURL *e, const char *method, const char *body, size_t body_len)
{
	CURLcode rc = CURLE_OK;

	if (strcmp(method, "HEAD") == 0) {
		rc = curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (body || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
		rc = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(e, CURLOPT_POSTFIELDS, body ? body : "");
		if (rc == CURLE_OK && strcmp(method, "POST") != 0)
			rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	} else if (strcmp(method, "GET") != 0) {
		rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	}
	if (rc != CURLE_OK)
		return ohs__error_set(OHS_ERROR, "libcurl option setup failed: %s",
			curl_easy_strerror(rc));
	return 0;
}

static struct curl_slist *make_headers(const char *content_type)
{
	struct curl_slist *h = NULL, *t;
	char *ct;

	t = curl_slist_append(h, "Expect:");
	if (!t)
		return NULL;
	h = t;
	if (content_type) {
		ct = ohs__sprintf("Content-Type: %s", content_type);
		t = ct ? curl_slist_append(h, ct) : NULL;
		free(ct);
		if (!t) {
			curl_slist_free_all(h);
			return NULL;
		}
		h = t;
	}
	return h;
}

static size_t write_to_buf(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	size_t n = size * nmemb;

	if (ohs__buf_append(userdata, ptr, n) < 0)
		return 0;
	return n;
}

struct hdr_capture {
	const char *name;
	char *value;
	int libpod;        /* a Libpod-Api-Version header was seen: Podman */
};

static size_t header_capture(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct hdr_capture *hc = userdata;
	size_t n = size * nmemb, nl = strlen(hc->name);

	if (n > 19 && strncasecmp(ptr, "Libpod-Api-Version:", 19) == 0)
		hc->libpod = 1;
	if (n > nl + 1 && strncasecmp(ptr, hc->name, nl) == 0 && ptr[nl] == ':') {
		const char *v = ptr + nl + 1;
		size_t vl = n - nl - 1;

		while (vl && (*v == ' ' || *v == '\t'))
			v++, vl--;
		while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
			vl--;
		free(hc->value);
		hc->value = ohs__strndup(v, vl);
	}
	return n;
}

/* ---------------------------------------------------------------- plain requests */

static void get_timeouts(ohs_client *c, long *connect_ms, long *request_ms);

/* An idle kept-alive handle, or a new one when all are busy; NULL on OOM. */
static CURL *handle_get(ohs_client *c)
{
	CURL *e = NULL;

	pthread_mutex_lock(&c->lock);
	if (c->nidle)
		e = c->idle[--c->nidle];
	pthread_mutex_unlock(&c->lock);
	if (!e)
		e = curl_easy_init();
	return e;
}

/* Put a handle back on the idle stack (or clean it up when the stack is full). */
static void handle_put(ohs_client *c, CURL *e, long nconn)
{
	pthread_mutex_lock(&c->lock);
	c->num_connects += nconn;
	if (e && c->nidle < OHS_MAX_IDLE) {
		c->idle[c->nidle++] = e;
		e = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	if (e)
		curl_easy_cleanup(e);
}

/* One plain request on `easy`, a handle taken with handle_get(). */
static int request_on(ohs_client *c, CURL *easy, const char *method, const char *path,
	int versioned, const char *content_type, const char *body, size_t body_len,
	ohs__response *resp, const char *what, struct hdr_capture *hc)
{
	char errbuf[CURL_ERROR_SIZE];
	char *url = NULL;
	struct curl_slist *hdrs = NULL;
	ohs__buf buf = {0};
	CURLcode crc;
	long status = 0, nconn = 0, connect_ms, request_ms;
	int rc;

	curl_easy_reset(easy);
	get_timeouts(c, &connect_ms, &request_ms);
	url = make_url(c, path, versioned);
	if (!url) {
		handle_put(c, easy, 0);
		return ohs__error_oom();
	}
	if ((rc = setup_easy(c, easy, url, errbuf, connect_ms, request_ms)) < 0)
		goto out;
	if ((rc = set_method_body(easy, method, body, body_len)) < 0)
		goto out;
	if (!(hdrs = make_headers(content_type))) {
		rc = ohs__error_oom();
		goto out;
	}
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write_to_buf);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &buf);
	if (hc) {
		curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, header_capture);
		curl_easy_setopt(easy, CURLOPT_HEADERDATA, hc);
	}
	crc = curl_easy_perform(easy);
	if (curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &nconn) != CURLE_OK)
		nconn = 0;
	if (crc == CURLE_WRITE_ERROR) {
		rc = ohs__error_oom();
		goto out;
	}
	if (crc != CURLE_OK) {
		rc = curl_error(c, crc, errbuf, what, request_ms);
		goto out;
	}
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	rc = ohs__client_status_error(status, buf.data, buf.len, what);
	if (resp) {
		resp->status = status;
		resp->len = buf.len;
		resp->body = ohs__buf_detach(&buf);
		if (!resp->body && rc == 0)
			rc = ohs__error_oom();
	}
out:
	/* Do not leave pointers to our stack in the kept handle. */
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	ohs__buf_clear(&buf);
	free(url);
	handle_put(c, easy, nconn);
	return rc;
}

int ohs__client_request(ohs_client *c, const char *method, const char *path,
	const char *content_type, const char *body, size_t body_len,
	ohs__response *resp, const char *what)
{
	CURL *easy;

	if (resp)
		memset(resp, 0, sizeof(*resp));
	if (!c)
		return ohs__error_set(OHS_EINVAL, "ohs__client_request: client is NULL");
	if (!method || !path)
		return ohs__error_set(OHS_EINVAL, "ohs__client_request: %s is NULL",
			method ? "path" : "method");
	if (!what)
		what = path;
	if (!(easy = handle_get(c)))
		return ohs__error_set(OHS_ENOMEM, "%s: curl_easy_init failed", what);
	return request_on(c, easy, method, path, 1, content_type, body, body_len, resp, what, NULL);
}

int ohs__client_json(ohs_client *c, const char *method, const char *path,
	json_t *body, json_t **out, const char *what)
{
	ohs__response r;
	char *dump = NULL;
	int rc;

	if (out)
		*out = NULL;
	if (!what)
		what = path;
	if (body) {
		dump = json_dumps(body, JSON_COMPACT);
		if (!dump)
			return ohs__error_set(OHS_EINVAL, "%s: the request body cannot be encoded as JSON",
				what ? what : "request");
	}
	rc = ohs__client_request(c, method, path, body ? "application/json" : NULL,
		dump, dump ? strlen(dump) : 0, &r, what);
	free(dump);
	if (rc < 0) {
		ohs__response_clear(&r);
		return rc;
	}
	if (out && r.len > 0 && r.status != 204 && r.status != 304) {
		json_error_t jerr;
		json_t *j = json_loadb(r.body, r.len, 0, &jerr);

		if (!j) {
			rc = ohs__error_set_http(OHS_EPROTOCOL, (int)r.status,
				"%s: the engine's answer is not valid JSON (%s at offset %d): \"%.*s\"",
				what, jerr.text, jerr.position,
				(int)(r.len > OHS_BODY_SNIPPET ? OHS_BODY_SNIPPET : r.len), r.body);
			ohs__response_clear(&r);
			return rc;
		}
		*out = j;
	}
	ohs__response_clear(&r);
	return 0;
}

int ohs__client_setup_handle(ohs_client *c, void *easy, const char *url, char *errbuf)
{
	if (!c || !easy || !url || !errbuf)
		return ohs__error_set(OHS_EINVAL, "ohs__client_setup_handle: NULL argument");
	return setup_easy(c, easy, url, errbuf, c->connect_ms, 0);
}

long ohs__client_num_connects(ohs_client *c)
{
	long n;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	n = c->num_connects;
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* ---------------------------------------------------------------- ping (endpoint.c negotiates) */

int ohs__client_ping(ohs_client *c, char **api_version)
{
	struct hdr_capture hc = { "Api-Version", NULL, 0 };
	CURL *easy = handle_get(c);
	int rc;

	if (!easy)
		return ohs__error_set(OHS_ENOMEM, "ping the Docker engine: curl_easy_init failed");
	rc = request_on(c, easy, "GET", "/_ping", 0, NULL, NULL, 0, NULL,
		"ping the Docker engine", api_version ? &hc : NULL);
	if (rc < 0 || !api_version) {
		free(hc.value);
		return rc;
	}
	*api_version = hc.value;
	c->podman = hc.libpod;
	return 0;
}

static void get_timeouts(ohs_client *c, long *connect_ms, long *request_ms)
{
	pthread_mutex_lock(&c->lock);
	if (connect_ms)
		*connect_ms = c->connect_ms;
	if (request_ms)
		*request_ms = c->request_ms;
	pthread_mutex_unlock(&c->lock);
}

/* ---------------------------------------------------------------- streamed responses */

struct stream_ctx {
	CURL *easy;
	ohs__data_cb cb;
	void *payload;
	int cb_rc;
	long status;
	ohs__buf err;  /* body of an error answer */
	int oom;
};

static size_t stream_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct stream_ctx *s = userdata;
	size_t n = size * nmemb;

	if (!s->status)
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->status);
	if (s->status >= 400) {
		if (s->err.len < 64 * 1024 && ohs__buf_append(&s->err, ptr, n) < 0) {
			s->oom = 1;
			return 0;
		}
		return n;
	}
	if (n == 0)
		return 0;
	s->cb_rc = s->cb(ptr, n, s->payload);
	return s->cb_rc ? 0 : n;
}

/* A fresh handle with the client's options; timeouts read under the lock. */
static CURL *fresh_easy(ohs_client *c, const char *url, char *errbuf, long timeout_ms, int *rc)
{
	CURL *e = curl_easy_init();
	long connect_ms;

	if (!e) {
		*rc = ohs__error_set(OHS_ENOMEM, "curl_easy_init failed");
		return NULL;
	}
	get_timeouts(c, &connect_ms, NULL);
	if ((*rc = setup_easy(c, e, url, errbuf, connect_ms, timeout_ms)) < 0) {
		curl_easy_cleanup(e);
		return NULL;
	}
	return e;
}
/* For endpoint.c and conn.c (transport_int.h). */
void ohs__client_timeouts(ohs_client *c, long *connect_ms, long *request_ms)
{
	get_timeouts(c, connect_ms, request_ms);
}

CURL *ohs__client_easy_new(ohs_client *c, const char *url, char *errbuf,
	long timeout_ms, int *rc)
{
	return fresh_easy(c, url, errbuf, timeout_ms, rc);
}

int ohs__client_curl_error(const ohs_client *c, CURLcode rc, const char *errbuf,
	const char *what, long timeout_ms)
{
	return curl_error(c, rc, errbuf, what, timeout_ms);
}


int ohs__client_stream(ohs_client *c, const char *method, const char *path,
	const char *content_type, const char *body, size_t body_len,
	ohs__data_cb on_data, void *payload, long timeout_ms, const char *what)
{
	char errbuf[CURL_ERROR_SIZE];
	struct stream_ctx s;
	struct curl_slist *hdrs = NULL;
	char *url;
	CURL *e;
	CURLcode crc;
	int rc;

	if (!c || !method || !path || !on_data)
		return ohs__error_set(OHS_EINVAL, "ohs__client_stream: %s is NULL",
			!c ? "client" : !method ? "method" : !path ? "path" : "on_data");
	if (!what)
		what = path;
	url = make_url(c, path, 1);
	if (!url)
		return ohs__error_oom();
	e = fresh_easy(c, url, errbuf, timeout_ms, &rc);
	if (!e) {
		free(url);
		return rc;
	}
	memset(&s, 0, sizeof(s));
	s.easy = e;
	s.cb = on_data;
	s.payload = payload;
	if ((rc = set_method_body(e, method, body, body_len)) < 0)
		goto out;
	if (!(hdrs = make_headers(content_type))) {
		rc = ohs__error_oom();
		goto out;
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, stream_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &s);
	crc = curl_easy_perform(e);
	if (s.cb_rc) {
		if (s.cb_rc < 0)
			rc = s.cb_rc;
		else
			rc = ohs__error_set(OHS_ERROR, "%s: stopped by the data callback (%d)",
				what, s.cb_rc);
		goto out;
	}
	if (s.oom) {
		rc = ohs__error_oom();
		goto out;
	}
	if (crc != CURLE_OK) {
		rc = curl_error(c, crc, errbuf, what, timeout_ms);
		goto out;
	}
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &s.status);
	rc = ohs__client_status_error(s.status, s.err.data, s.err.len, what);
out:
	curl_easy_cleanup(e);
	curl_slist_free_all(hdrs);
	ohs__buf_clear(&s.err);
	free(url);
	return rc;
}

/* ---------------------------------------------------------------- uploads */

struct upload_ctx {
	ohs__read_cb cb;
	void *payload;
	int cb_rc;
};

static size_t upload_read(char *buf, size_t size, size_t nitems, void *userdata)
{
	struct upload_ctx *u = userdata;
	long n = u->cb(buf, size * nitems, u->payload);

	if (n < 0) {
		u->cb_rc = (int)n;
		return CURL_READFUNC_ABORT;
	}
	if ((size_t)n > size * nitems) {
		u->cb_rc = ohs__error_set(OHS_ERROR, "upload read callback returned %ld bytes "
			"for a buffer of %zu", n, size * nitems);
		return CURL_READFUNC_ABORT;
	}
	return (size_t)n;
}

int ohs__client_upload(ohs_client *c, const char *method, const char *path,
	const char *content_type, ohs__read_cb read_cb, void *payload,
	const char *what)
{
	char errbuf[CURL_ERROR_SIZE];
	struct upload_ctx u = { read_cb, payload, 0 };
	struct curl_slist *hdrs = NULL, *t;
	ohs__buf buf = {0};
	long status = 0, request_ms;
	char *url;
	CURL *e;
	CURLcode crc;
	int rc;

	if (!c || !method || !path || !read_cb)
		return ohs__error_set(OHS_EINVAL, "ohs__client_upload: %s is NULL",
			!c ? "client" : !method ? "method" : !path ? "path" : "read_cb");
	if (!what)
		what = path;
	url = make_url(c, path, 1);
	if (!url)
		return ohs__error_oom();
	get_timeouts(c, NULL, &request_ms);
	e = fresh_easy(c, url, errbuf, request_ms, &rc);
	if (!e) {
		free(url);
		return rc;
	}
	if (!(hdrs = make_headers(content_type)) ||
	    !(t = curl_slist_append(hdrs, "Transfer-Encoding: chunked"))) {
		rc = ohs__error_oom();
		goto out;
	}
	hdrs = t;
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(e, CURLOPT_READDATA, &u);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_to_buf);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &buf);
	crc = curl_easy_perform(e);
	if (u.cb_rc < 0) {
		rc = u.cb_rc;
		goto out;
	}
	if (crc != CURLE_OK) {
		rc = curl_error(c, crc, errbuf, what, request_ms);
		goto out;
	}
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	rc = ohs__client_status_error(status, buf.data, buf.len, what);
out:
	curl_easy_cleanup(e);
	curl_slist_free_all(hdrs);
	ohs__buf_clear(&buf);
	free(url);
	return rc;
}
