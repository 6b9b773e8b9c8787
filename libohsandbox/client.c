/*
 * client: the Docker Engine API transport (libcurl + jansson).
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
 */
#include "internal.h"
#include "client_int.h"

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define OHS_DEFAULT_SOCKET "/var/run/docker.sock"
#define OHS_API_MIN_MINOR 40
#define OHS_API_MAX_MINOR 47
#define OHS_DEFAULT_CONNECT_MS 10000L
#define OHS_BODY_SNIPPET 200
#define OHS_MAX_IDLE 16 /* idle kept-alive handles kept for plain requests */

struct ohs_client {
	char *host;        /* "unix:///var/run/docker.sock", "tcp://h:p" */
	char *origin;      /* "DOCKER_HOST unset" or "DOCKER_HOST=\"...\"" (user info masked) */
	char *sock_path;   /* unix only */
	char *base_url;    /* "http://localhost", "https://h:p" */
	char *host_hdr;    /* value of the Host header for hijacks */
	int tls;
	int tls_verify;
	char *cert_dir;
	char *ca_file, *cert_file, *key_file; /* NULL when not used */
	ohs__strvec warnings; /* plain tcp://, TLS without verification */
	char api_version[16];
	int podman;        /* the engine is Podman's compat API (Libpod-Api-Version) */
	long connect_ms;
	long request_ms;
	long num_connects;
	pthread_mutex_t lock; /* guards idle/nidle, num_connects, timeouts */
	CURL *idle[OHS_MAX_IDLE];
	size_t nidle;
};

struct ohs__conn {
	ohs_client *client;
	CURL *easy;
	int tls;
	char *pending;     /* bytes read past the response head */
	size_t pending_len, pending_off;
};

/* ---------------------------------------------------------------- global */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

static void curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_ALL);
}

static int ensure_curl(void)
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

	if (!s || ensure_curl() < 0)
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
 * DOCKER_HOST as it may be shown in a message: any user information
 * ("user:password@") replaced by "***".  Everything from after "scheme://"
 * (or from the start when there is no scheme) up to the last '@' is masked,
 * so that a password containing '/' or '@' is masked too; a unix:// value
 * whose path is absolute has no user information.  NULL on OOM.
 */
static char *mask_host(const char *v)
{
	const char *sep = strstr(v, "://");
	const char *start = sep ? sep + 3 : v;
	const char *at = strrchr(start, '@');

	if (!at || *start == '/')
		return ohs__strdup(v);
	return ohs__sprintf("%.*s***%s", (int)(start - v), v, at);
}

/* Parse "1.NN" into NN; -1 when malformed. */
static int parse_api_version(const char *v)
{
	char *end;
	long minor;

	if (!v || strncmp(v, "1.", 2) != 0 || v[2] < '0' || v[2] > '9')
		return -1;
	errno = 0;
	minor = strtol(v + 2, &end, 10);
	if (errno || *end || minor < 0 || minor > 999)
		return -1;
	return (int)minor;
}

static long elapsed_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/*
 * Find out why the unix socket cannot be used, with an accurate errno:
 * stat, access, then a real connect.  Returns 0 when it looks fine.
 */
static int diagnose_unix(const ohs_client *c)
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
		if (c->sock_path && (code = diagnose_unix(c)) < 0)
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

/*
 * Podman's Docker-compatible API answers errors as {"cause", "message",
 * "response"}.  Some conditions Docker reports as 409 come as 500 there, and
 * some messages are worded differently: map both to Docker's (code, HTTP
 * status and wording), so callers see one behaviour whichever engine answers.
 */
static const struct {
	const char *cause;
	int code;
	long status;
} podman_causes[] = {
	{ "that name is already in use", OHS_ECONFLICT, 409 }, /* create with a taken name */
	{ "network is being used", OHS_ECONFLICT, 409 },       /* remove a network in use */
	{ "volume is being used", OHS_ECONFLICT, 409 },
	{ "container state improper", OHS_ECONFLICT, 409 },    /* exec in a stopped container */
	{ "invalid argument", OHS_EINVAL, 400 },               /* e.g. a malformed name */
};

/* The part of S between PREFIX and SUFFIX, or NULL. */
static char *between(const char *s, const char *prefix, const char *suffix)
{
	size_t n = strlen(s), pl = strlen(prefix), sl = strlen(suffix);

	if (n < pl + sl || strncmp(s, prefix, pl) || strcmp(s + n - sl, suffix))
		return NULL;
	return ohs__strndup(s + pl, n - pl - sl);
}

/* Docker's wording of a Podman not-found message, or NULL to keep it. */
static char *podman_message(const char *msg)
{
	static const struct {
		const char *prefix, *suffix, *docker_prefix, *docker_suffix;
	} m[] = {
		{ "no container with name or ID \"", "\" found: no such container", "No such container: ", "" },
		{ "no exec session with ID ", " found: no such exec session", "No such exec instance: ", "" },
		{ "unable to find network with name or ID ", ": network not found", "network ", " not found" },
		{ "volume with name ", " not found: no such volume", "get ", ": no such volume" },
		/* exec in a stopped container; Docker: "Container ID is not running" */
		{ "can only create exec sessions on running containers", ": container state improper",
		  "the container is not running (can only create exec sessions on running containers)", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		char *id = between(msg, m[i].prefix, m[i].suffix), *out;

		if (!id)
			continue;
		out = ohs__sprintf("%s%s%s", m[i].docker_prefix, id, m[i].docker_suffix);
		free(id);
		return out;
	}
	return NULL;
}

int ohs__client_status_error(long status, const char *body, size_t len, const char *what)
{
	int code;
	json_t *j = NULL, *m;
	char *msg = NULL;
	int rc;

	if (status < 400)
		return 0;
	if (status == 400)
		code = OHS_EINVAL;
	else if (status == 401 || status == 403)
		code = OHS_EPERM;
	else if (status == 404)
		code = OHS_ENOTFOUND;
	else if (status == 409)
		code = OHS_ECONFLICT;
	else if (status >= 500)
		code = OHS_EENGINE;
	else
		code = OHS_ERROR;
	if (body && len)
		j = json_loadb(body, len, 0, NULL);
	m = j ? json_object_get(j, "message") : NULL;
	if (json_is_string(m) && json_is_string(json_object_get(j, "cause"))) {
		/* Podman */
		const char *cause = json_string_value(json_object_get(j, "cause"));
		size_t i;

		if (status >= 500)
			for (i = 0; i < sizeof(podman_causes) / sizeof(podman_causes[0]); i++)
				if (strcmp(cause, podman_causes[i].cause) == 0) {
					code = podman_causes[i].code;
					status = podman_causes[i].status;
				}
		if (!(msg = podman_message(json_string_value(m))))
			msg = ohs__strdup(json_string_value(m));
	} else if (json_is_string(m))
		msg = ohs__strdup(json_string_value(m));
	else if (body && len)
		msg = ohs__strndup(body, len > OHS_BODY_SNIPPET ? OHS_BODY_SNIPPET : len);
	json_decref(j);
	if (msg) {
		size_t n = strlen(msg);

		while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == ' '))
			msg[--n] = '\0';
	}
	if (msg && *msg)
		rc = ohs__error_set_http(code, (int)status, "%s: %s", what ? what : "request", msg);
	else
		rc = ohs__error_set_http(code, (int)status, "%s: the engine answered HTTP %ld",
			what ? what : "request", status);
	free(msg);
	return rc;
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

/* ---------------------------------------------------------------- ping and version */

static int ping(ohs_client *c, char **api_version)
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

int ohs__client_is_podman(const ohs_client *c)
{
	return c && c->podman;
}

int ohs_client_ping(ohs_client *client)
{
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_client_ping: client is NULL");
	return ping(client, NULL);
}

static int negotiate(ohs_client *c, const char *override)
{
	char *engine = NULL;
	int rc, minor;

	rc = ping(c, &engine);
	if (rc < 0)
		return rc;
	if (override) {
		free(engine);
		minor = parse_api_version(override);
		if (minor < 0)
			return ohs__error_set(OHS_EINVAL,
				"DOCKER_API_VERSION (\"%s\"): expected a version of the form 1.NN, e.g. 1.41",
				override);
		if (minor < OHS_API_MIN_MINOR || minor > OHS_API_MAX_MINOR)
			return ohs__error_set(OHS_ENOTSUPPORTED,
				"DOCKER_API_VERSION (\"%s\"): supported API versions are 1.%d to 1.%d",
				override, OHS_API_MIN_MINOR, OHS_API_MAX_MINOR);
		snprintf(c->api_version, sizeof(c->api_version), "1.%d", minor);
		return 0;
	}
	if (!engine || !*engine) {
		free(engine);
		return ohs__error_set(OHS_EPROTOCOL,
			"the Docker engine at %s did not report its API version "
			"(no Api-Version header in the answer to /_ping); set DOCKER_API_VERSION",
			c->host);
	}
	minor = parse_api_version(engine);
	if (minor < 0) {
		rc = ohs__error_set(OHS_EPROTOCOL,
			"the Docker engine at %s reported a malformed API version \"%s\" "
			"(expected 1.NN)", c->host, engine);
		free(engine);
		return rc;
	}
	if (minor < OHS_API_MIN_MINOR) {
		rc = ohs__error_set(OHS_ENOTSUPPORTED,
			"the Docker engine at %s: engine API version %s is older than the oldest "
			"supported 1.%d", c->host, engine, OHS_API_MIN_MINOR);
		free(engine);
		return rc;
	}
	free(engine);
	if (minor > OHS_API_MAX_MINOR)
		minor = OHS_API_MAX_MINOR;
	snprintf(c->api_version, sizeof(c->api_version), "1.%d", minor);
	return 0;
}

/* ---------------------------------------------------------------- construction */

static int file_readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* Takes `text` (NULL: out of memory). */
static int add_warning(ohs_client *c, char *text)
{
	return ohs__strvec_push_owned(&c->warnings, text);
}

/*
 * TLS the way the Docker CLI does it: DOCKER_TLS_VERIFY set to any
 * non-empty value (even "0" or "false") verifies the engine against
 * DOCKER_CERT_PATH/ca.pem (default ~/.docker) and nothing else;
 * DOCKER_CERT_PATH alone encrypts without verifying (a warning).
 */
static int setup_tls(ohs_client *c, const char *const *envp)
{
	const char *verify = ohs__env_lookup(envp, "DOCKER_TLS_VERIFY");
	const char *dir = ohs__env_lookup(envp, "DOCKER_CERT_PATH");
	const char *home;
	char *ca, *cert, *key;
	int has_cert, has_key;

	if (!(verify && *verify) && !(dir && *dir))
		return 0;
	c->tls = 1;
	c->tls_verify = verify && *verify;
	if (dir && *dir) {
		c->cert_dir = ohs__strdup(dir);
	} else {
		home = ohs__env_lookup(envp, "HOME");
		if (!home || !*home)
			return ohs__error_set(OHS_ETLS,
				"DOCKER_TLS_VERIFY is set but neither DOCKER_CERT_PATH nor HOME is, "
				"so the certificates (ca.pem, cert.pem, key.pem) cannot be found");
		c->cert_dir = ohs__sprintf("%s/.docker", home);
	}
	if (!c->cert_dir)
		return ohs__error_oom();
	ca = ohs__sprintf("%s/ca.pem", c->cert_dir);
	cert = ohs__sprintf("%s/cert.pem", c->cert_dir);
	key = ohs__sprintf("%s/key.pem", c->cert_dir);
	if (!ca || !cert || !key) {
		free(ca), free(cert), free(key);
		return ohs__error_oom();
	}
	if (c->tls_verify && !file_readable(ca)) {
		int err = errno;

		ohs__error_set(OHS_ETLS, "DOCKER_TLS_VERIFY is set but the CA certificate %s "
			"cannot be read (%s); expected ca.pem, cert.pem and key.pem in %s%s",
			ca, strerror(err), c->cert_dir, dir && *dir ? " (DOCKER_CERT_PATH)" : "");
		free(ca), free(cert), free(key);
		return OHS_ETLS;
	}
	has_cert = file_readable(cert);
	has_key = file_readable(key);
	if (has_cert != has_key) {
		ohs__error_set(OHS_ETLS, "TLS client certificate: %s %s but %s %s; "
			"expected both cert.pem and key.pem in %s, or neither",
			cert, has_cert ? "is readable" : "cannot be read",
			key, has_key ? "is readable" : "cannot be read", c->cert_dir);
		free(ca), free(cert), free(key);
		return OHS_ETLS;
	}
	/* Without verification no CA is used at all: say so, not "the CA". */
	if (c->tls_verify)
		c->ca_file = ca;
	else
		free(ca);
	if (has_cert) {
		c->cert_file = cert;
		c->key_file = key;
	} else {
		free(cert);
		free(key);
	}
	return 0;
}

static int parse_host(ohs_client *c, const char *dh, const char *const *envp)
{
	const char *v = dh && *dh ? dh : "unix://" OHS_DEFAULT_SOCKET;
	char *shown = mask_host(v); /* never print a password */
	int rc;

	if (!shown)
		return ohs__error_oom();
	c->origin = dh && *dh ? ohs__sprintf("DOCKER_HOST=\"%s\"", shown) : ohs__strdup("DOCKER_HOST unset");
	if (!c->origin) {
		rc = ohs__error_oom();
		goto out;
	}
	if (strncmp(v, "unix://", 7) == 0) {
		const char *p = v + 7;

		if (*p != '/') {
			rc = ohs__error_set(OHS_EINVAL,
				"DOCKER_HOST (\"%s\"): expected an absolute socket path after unix://, "
				"e.g. unix:///var/run/docker.sock", shown);
			goto out;
		}
		c->sock_path = ohs__strdup(p);
		c->host = ohs__strdup(v);
		c->base_url = ohs__strdup("http://localhost");
		c->host_hdr = ohs__strdup("localhost");
		rc = !c->sock_path || !c->host || !c->base_url || !c->host_hdr ? ohs__error_oom() : 0;
		goto out;
	}
	if (strncmp(v, "tcp://", 6) == 0) {
		const char *hp = v + 6;
		size_t n = strlen(hp);
		const char *colon;
		char *hostport;

		while (n && hp[n - 1] == '/')
			n--;
		if (memchr(hp, '@', n)) {
			rc = ohs__error_set(OHS_EINVAL,
				"DOCKER_HOST (\"%s\"): user information (user:password@) is not supported; "
				"expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:2376", shown);
			goto out;
		}
		if (n == 0 || memchr(hp, '/', n) || memchr(hp, '?', n)) {
			rc = ohs__error_set(OHS_EINVAL,
				"DOCKER_HOST (\"%s\"): expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:2376", shown);
			goto out;
		}
		if ((rc = setup_tls(c, envp)) < 0)
			goto out;
		hostport = ohs__strndup(hp, n);
		if (!hostport) {
			rc = ohs__error_oom();
			goto out;
		}
		/* Port given?  (An IPv6 address is written [addr]:port.) */
		colon = strrchr(hostport, ':');
		if (colon && strchr(colon, ']'))
			colon = NULL;
		if (colon) {
			char *end;
			long port = strtol(colon + 1, &end, 10);

			if (colon[1] == '\0' || *end || port < 1 || port > 65535) {
				rc = ohs__error_set(OHS_EINVAL,
					"DOCKER_HOST (\"%s\"): port \"%s\" is not a number from 1 to 65535",
					shown, colon + 1);
				free(hostport);
				goto out;
			}
			c->host_hdr = hostport;
		} else {
			c->host_hdr = ohs__sprintf("%s:%d", hostport, c->tls ? 2376 : 2375);
			free(hostport);
		}
		if (!c->host_hdr) {
			rc = ohs__error_oom();
			goto out;
		}
		c->host = ohs__sprintf("tcp://%s", c->host_hdr);
		c->base_url = ohs__sprintf("%s://%s", c->tls ? "https" : "http", c->host_hdr);
		if (!c->host || !c->base_url) {
			rc = ohs__error_oom();
			goto out;
		}
		if (!c->tls)
			rc = add_warning(c, ohs__sprintf("the Docker engine at %s is reached over plain TCP "
				"(DOCKER_TLS_VERIFY and DOCKER_CERT_PATH unset): the connection is neither "
				"encrypted nor authenticated; set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH",
				c->host));
		else if (!c->tls_verify)
			rc = add_warning(c, ohs__sprintf("the Docker engine at %s is reached over TLS "
				"without verification (DOCKER_CERT_PATH set, DOCKER_TLS_VERIFY unset): "
				"the engine's certificate is not checked; set DOCKER_TLS_VERIFY=1 to "
				"trust only %s/ca.pem", c->host, c->cert_dir));
		goto out;
	}
	rc = ohs__error_set(OHS_ENOTSUPPORTED,
		"DOCKER_HOST (\"%s\"): this scheme is not supported; supported forms are "
		"unix:///path/to/socket (default unix://%s) and tcp://HOST:PORT "
		"(with TLS when DOCKER_TLS_VERIFY or DOCKER_CERT_PATH is set)",
		shown, OHS_DEFAULT_SOCKET);
out:
	free(shown);
	return rc;
}

void ohs_client_free(ohs_client *client)
{
	if (!client)
		return;
	while (client->nidle)
		curl_easy_cleanup(client->idle[--client->nidle]);
	pthread_mutex_destroy(&client->lock);
	free(client->host);
	free(client->origin);
	free(client->sock_path);
	free(client->base_url);
	free(client->host_hdr);
	free(client->cert_dir);
	free(client->ca_file);
	free(client->cert_file);
	free(client->key_file);
	ohs__strvec_clear(&client->warnings);
	free(client);
}

int ohs_client_new(ohs_client **out, const char *const *envp)
{
	ohs_client *c;
	const char *override;
	int rc;

	if (!out)
		return ohs__error_set(OHS_EINVAL, "ohs_client_new: out is NULL");
	*out = NULL;
	if ((rc = ensure_curl()) < 0)
		return rc;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ohs__error_oom();
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		return ohs__error_set(OHS_ERROR, "ohs_client_new: cannot create a mutex");
	}
	c->connect_ms = OHS_DEFAULT_CONNECT_MS;
	c->request_ms = 0;
	if ((rc = parse_host(c, ohs__env_lookup(envp, "DOCKER_HOST"), envp)) < 0)
		goto fail;
	override = ohs__env_lookup(envp, "DOCKER_API_VERSION");
	if (override && !*override)
		override = NULL;
	if (override && parse_api_version(override) < 0) {
		rc = ohs__error_set(OHS_EINVAL,
			"DOCKER_API_VERSION (\"%s\"): expected a version of the form 1.NN, e.g. 1.41",
			override);
		goto fail;
	}
	if (c->sock_path && (rc = diagnose_unix(c)) < 0)
		goto fail;
	if ((rc = negotiate(c, override)) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	ohs_client_free(c);
	return rc;
}

const char *ohs_client_api_version(const ohs_client *client)
{
	return client ? client->api_version : NULL;
}

const char *ohs_client_host(const ohs_client *client)
{
	return client ? client->host : NULL;
}

size_t ohs_client_warning_count(const ohs_client *client)
{
	return client ? client->warnings.n : 0;
}

const char *ohs_client_warning(const ohs_client *client, size_t i)
{
	return client ? ohs__strvec_at(&client->warnings, i) : NULL;
}

int ohs_client_set_timeouts(ohs_client *client, long connect_ms, long request_ms)
{
	if (!client)
		return ohs__error_set(OHS_EINVAL, "ohs_client_set_timeouts: client is NULL");
	if (connect_ms < 0)
		return ohs__error_set(OHS_EINVAL,
			"ohs_client_set_timeouts: connect_ms (%ld) must be 0 (none) or positive", connect_ms);
	if (request_ms < 0)
		return ohs__error_set(OHS_EINVAL,
			"ohs_client_set_timeouts: request_ms (%ld) must be 0 (none) or positive", request_ms);
	pthread_mutex_lock(&client->lock);
	client->connect_ms = connect_ms;
	client->request_ms = request_ms;
	pthread_mutex_unlock(&client->lock);
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

/*
 * Podman (4.3) creates a missing destination directory of
 * PUT /containers/{id}/archive?path=DIR where Docker answers 404.  Ask first
 * (HEAD on the same path), so both engines refuse it.
 */
static int podman_archive_check(ohs_client *c, const char *path, const char *what)
{
	const char *q = strstr(path, "/archive?path=");
	char *dir = NULL, *cid = NULL;
	int rc, n = 0;

	if (strncmp(path, "/containers/", 12) != 0 || !q)
		return 0;
	rc = ohs__client_request(c, "HEAD", path, NULL, NULL, 0, NULL, what);
	if (rc != OHS_ENOTFOUND)
		return rc;
	{
		const char *v = q + 14;
		size_t vl = strcspn(v, "&");
		CURL *e = curl_easy_init();
		char *u = e ? curl_easy_unescape(e, v, (int)vl, &n) : NULL;

		dir = u ? ohs__strndup(u, (size_t)n) : NULL;
		curl_free(u);
		if (e)
			curl_easy_cleanup(e);
	}
	cid = ohs__strndup(path + 12, (size_t)(q - path - 12));
	rc = ohs__error_set_http(OHS_ENOTFOUND, 404, "%s: Could not find the file %s in container %s",
		what, dir ? dir : "(destination)", cid ? cid : "");
	free(dir);
	free(cid);
	return rc;
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
	if (c->podman && strcmp(method, "PUT") == 0 && (rc = podman_archive_check(c, path, what)) < 0)
		return rc;
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

/* ---------------------------------------------------------------- hijacked connections */

static int conn_socket(ohs__conn *conn)
{
	curl_socket_t fd = CURL_SOCKET_BAD;

	if (curl_easy_getinfo(conn->easy, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK)
		return -1;
	return fd == CURL_SOCKET_BAD ? -1 : (int)fd;
}

/* Wait until the socket is readable/writable; deadline_ms < 0: forever. */
static int conn_wait(ohs__conn *conn, short events, const struct timespec *t0, long timeout_ms)
{
	struct pollfd p;
	int fd = conn_socket(conn), r;
	long left;

	if (fd < 0)
		return ohs__error_set(OHS_EUNREACHABLE, "connection to the Docker engine is closed");
	for (;;) {
		left = -1;
		if (timeout_ms >= 0) {
			left = timeout_ms - elapsed_ms_since(t0);
			if (left < 0)
				left = 0;
		}
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		r = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (r > 0)
			return 0;
		if (r == 0)
			return OHS_ETIMEOUT;
		if (errno != EINTR)
			return ohs__error_set(OHS_ERROR, "poll: %s", strerror(errno));
	}
}

int ohs__conn_send(ohs__conn *conn, const void *buf, size_t len)
{
	const char *p = buf;
	struct timespec t0;
	CURLcode crc;
	size_t n;
	int rc;

	if (!conn || (!buf && len))
		return ohs__error_set(OHS_EINVAL, "ohs__conn_send: %s is NULL", conn ? "buf" : "conn");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (len) {
		n = 0;
		crc = curl_easy_send(conn->easy, p, len, &n);
		if (crc == CURLE_AGAIN) {
			if ((rc = conn_wait(conn, POLLOUT, &t0, -1)) < 0)
				return rc;
			continue;
		}
		if (crc != CURLE_OK)
			return ohs__error_set(OHS_EUNREACHABLE,
				"sending to the Docker engine at %s failed: %s",
				conn->client->host, curl_easy_strerror(crc));
		p += n;
		len -= n;
	}
	return 0;
}

static long conn_recv_raw(ohs__conn *conn, void *buf, size_t len, const struct timespec *t0,
	long timeout_ms)
{
	CURLcode crc;
	size_t n;
	int rc;

	for (;;) {
		n = 0;
		crc = curl_easy_recv(conn->easy, buf, len, &n);
		if (crc == CURLE_OK)
			return (long)n;
		if (crc == CURLE_AGAIN) {
			if ((rc = conn_wait(conn, POLLIN, t0, timeout_ms)) < 0)
				return rc;
			continue;
		}
		if (crc == CURLE_UNSUPPORTED_PROTOCOL) /* connection already gone */
			return 0;
		return ohs__error_set(OHS_EUNREACHABLE,
			"reading from the Docker engine at %s failed: %s",
			conn->client->host, curl_easy_strerror(crc));
	}
}

long ohs__conn_recv(ohs__conn *conn, void *buf, size_t len, long timeout_ms)
{
	struct timespec t0;
	long n;

	if (!conn || !buf)
		return ohs__error_set(OHS_EINVAL, "ohs__conn_recv: %s is NULL", conn ? "buf" : "conn");
	if (len == 0)
		return ohs__error_set(OHS_EINVAL, "ohs__conn_recv: len is 0");
	if (conn->pending_off < conn->pending_len) {
		size_t k = conn->pending_len - conn->pending_off;

		if (k > len)
			k = len;
		memcpy(buf, conn->pending + conn->pending_off, k);
		conn->pending_off += k;
		if (conn->pending_off == conn->pending_len) {
			free(conn->pending);
			conn->pending = NULL;
			conn->pending_len = conn->pending_off = 0;
		}
		return (long)k;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = conn_recv_raw(conn, buf, len, &t0, timeout_ms);
	if (n == OHS_ETIMEOUT)
		return ohs__error_set(OHS_ETIMEOUT,
			"no data from the Docker engine at %s within %ld ms",
			conn->client->host, timeout_ms);
	return n;
}

int ohs__conn_close_write(ohs__conn *conn)
{
	int fd;

	if (!conn)
		return ohs__error_set(OHS_EINVAL, "ohs__conn_close_write: conn is NULL");
	if (conn->tls)
		return ohs__error_set(OHS_ENOTSUPPORTED,
			"closing the write side of a TLS connection to the Docker engine at %s "
			"is not supported (a TLS half-close is not possible with libcurl)",
			conn->client->host);
	fd = conn_socket(conn);
	if (fd < 0)
		return ohs__error_set(OHS_EUNREACHABLE,
			"connection to the Docker engine at %s is closed", conn->client->host);
	if (shutdown(fd, SHUT_WR) < 0)
		return ohs__error_set(OHS_EIO, "shutdown of the connection to %s: %s",
			conn->client->host, strerror(errno));
	return 0;
}

void ohs__conn_free(ohs__conn *conn)
{
	if (!conn)
		return;
	if (conn->easy)
		curl_easy_cleanup(conn->easy);
	free(conn->pending);
	free(conn);
}

/* Content-Length from a response head, -1 when absent. */
static long head_content_length(const char *head)
{
	const char *p = head;

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			return strtol(p + 15, NULL, 10);
	}
	return -1;
}

int ohs__client_hijack(ohs_client *c, const char *method, const char *path,
	const char *body, ohs__conn **out, const char *what)
{
	char errbuf[CURL_ERROR_SIZE];
	ohs__conn *conn = NULL;
	ohs__buf head = {0};
	char *url = NULL, *req = NULL, *end;
	size_t body_len = body ? strlen(body) : 0;
	long connect_ms, request_ms, status = 0, n;
	struct timespec t0;
	CURLcode crc;
	int rc;

	if (out)
		*out = NULL;
	if (!c || !method || !path || !out)
		return ohs__error_set(OHS_EINVAL, "ohs__client_hijack: %s is NULL",
			!c ? "client" : !method ? "method" : !path ? "path" : "out");
	if (!what)
		what = path;
	get_timeouts(c, &connect_ms, &request_ms);
	url = ohs__sprintf("%s/", c->base_url);
	conn = calloc(1, sizeof(*conn));
	if (!url || !conn) {
		rc = ohs__error_oom();
		goto fail;
	}
	conn->client = c;
	conn->tls = c->tls;
	conn->easy = fresh_easy(c, url, errbuf, 0, &rc);
	if (!conn->easy)
		goto fail;
	curl_easy_setopt(conn->easy, CURLOPT_CONNECT_ONLY, 1L);
	crc = curl_easy_perform(conn->easy);
	if (crc != CURLE_OK) {
		rc = curl_error(c, crc, errbuf, what, connect_ms);
		goto fail;
	}
	curl_easy_setopt(conn->easy, CURLOPT_ERRORBUFFER, NULL);
	req = ohs__sprintf("%s /v%s%s HTTP/1.1\r\n"
		"Host: %s\r\n"
		"User-Agent: libohsandbox/%s\r\n"
		"Content-Type: application/json\r\n"
		"Content-Length: %zu\r\n"
		"Connection: Upgrade\r\n"
		"Upgrade: tcp\r\n"
		"\r\n",
		method, c->api_version, path, c->host_hdr, ohs_version(), body_len);
	if (!req) {
		rc = ohs__error_oom();
		goto fail;
	}
	if ((rc = ohs__conn_send(conn, req, strlen(req))) < 0)
		goto fail_prefix;
	if (body_len && (rc = ohs__conn_send(conn, body, body_len)) < 0)
		goto fail_prefix;

	/* The response head. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		char tmp[4096];

		if (head.len > 64 * 1024) {
			rc = ohs__error_set(OHS_EPROTOCOL, "%s: response head from the engine "
				"is larger than 64 KiB", what);
			goto fail;
		}
		n = conn_recv_raw(conn, tmp, sizeof(tmp), &t0, request_ms > 0 ? request_ms : -1);
		if (n == OHS_ETIMEOUT) {
			rc = ohs__error_set(OHS_ETIMEOUT, "%s: no answer from the Docker engine at %s "
				"within %ld ms", what, c->host, request_ms);
			goto fail;
		}
		if (n < 0) {
			rc = (int)n;
			goto fail_prefix;
		}
		if (n == 0) {
			rc = ohs__error_set(OHS_EPROTOCOL, "%s: the Docker engine at %s closed the "
				"connection %s", what, c->host,
				head.len ? "inside the response head" : "without answering");
			goto fail;
		}
		if ((rc = ohs__buf_append(&head, tmp, (size_t)n)) < 0)
			goto fail;
		if ((end = strstr(head.data, "\r\n\r\n")) != NULL)
			break;
	}
	{
		size_t hlen = (size_t)(end - head.data) + 4;
		char *sp;

		if (strncmp(head.data, "HTTP/1.", 7) != 0 || !(sp = strchr(head.data, ' '))) {
			rc = ohs__error_set(OHS_EPROTOCOL, "%s: malformed response from the engine: \"%.*s\"",
				what, (int)(strcspn(head.data, "\r\n") > 100 ? 100 : strcspn(head.data, "\r\n")),
				head.data);
			goto fail;
		}
		status = strtol(sp + 1, NULL, 10);
		if (status == 101 || status == 200) {
			if (head.len > hlen) {
				conn->pending_len = head.len - hlen;
				conn->pending = malloc(conn->pending_len);
				if (!conn->pending) {
					rc = ohs__error_oom();
					goto fail;
				}
				memcpy(conn->pending, head.data + hlen, conn->pending_len);
			}
			ohs__buf_clear(&head);
			free(url);
			free(req);
			*out = conn;
			return 0;
		}
		if (status >= 400) {
			long clen = head_content_length(head.data);
			char tmp[4096];

			/* Read the error body: Content-Length bytes, or until EOF / 2 s. */
			clock_gettime(CLOCK_MONOTONIC, &t0);
			while (clen < 0 || head.len - hlen < (size_t)clen) {
				n = conn_recv_raw(conn, tmp, sizeof(tmp), &t0, 2000);
				if (n <= 0 || ohs__buf_append(&head, tmp, (size_t)n) < 0)
					break;
				if (head.len - hlen > 64 * 1024)
					break;
			}
			rc = ohs__client_status_error(status, head.data + hlen, head.len - hlen, what);
			goto fail;
		}
		rc = ohs__error_set_http(OHS_EPROTOCOL, (int)status,
			"%s: the engine answered HTTP %ld instead of 101 UPGRADED", what, status);
		goto fail;
	}
fail_prefix:
	ohs__error_prefix(what);
fail:
	ohs__buf_clear(&head);
	ohs__conn_free(conn);
	free(url);
	free(req);
	return rc;
}
