/* Bare libcurl over HTTP, the floor row of `make bench-dispatch`: N POSTs of one JSON body (FLOOR_BODY, or a
 * push of the daemon's shape) to http://127.0.0.1:PORT/push (Content-Type application/json, an Idempotency-Key),
 * CONCURRENCY transfers in flight over THREADS threads (see floor.h), connections reused. The response body is
 * discarded; anything but 200 counts as a failure.
 * Build: cc -O2 -o http-floor http-floor.c -lcurl -lpthread      Run: http-floor PORT N CONCURRENCY THREADS */
#define EXPECTED_CODE 200
struct proto { int unused; };
#include "floor.h"

static char url[64];
static struct curl_slist *headers;
/* A push of the daemon's shape; bench-dispatch passes the daemon's own (FLOOR_BODY). */
static const char *body;
static const char standard_body[] =
    "{\"token\":\"token-000001-abcdefghijklmnopqrstuvwxyz\",\"title\":\"Ch\\u00e0o Kh\\u00e1ch 1\","
    "\"body\":\"\\u01afu \\u0111\\u00e3i cu\\u1ed1i tu\\u1ea7n: gi\\u1ea3m 20% cho ph\\u1ee5 ki\\u1ec7n trong 48 gi\\u1edd.\","
    "\"url\":\"shop://offers/weekend\",\"campaign\":\"bench-push\",\"step\":\"hello\",\"customer\":\"c1\","
    "\"idempotency_key\":\"bench-push/hello/c1/1\"}";

static size_t discard(char *buf, size_t size, size_t nitems, void *userp) { (void)buf; (void)userp; return size * nitems; }

static void build(void) {
    snprintf(url, sizeof url, "http://127.0.0.1:%d/push", port);
    if (!(headers = curl_slist_append(NULL, "Content-Type: application/json")) ||
        !(headers = curl_slist_append(headers, "Idempotency-Key: bench-push/hello/c1/1"))) exit(2);
    body = getenv("FLOOR_BODY") ? getenv("FLOOR_BODY") : standard_body;
}

static int setup(struct job *j) {
    SETOPT(j, CURLOPT_URL, url);
    SETOPT(j, CURLOPT_POSTFIELDS, body);
    SETOPT(j, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    SETOPT(j, CURLOPT_HTTPHEADER, headers);
    SETOPT(j, CURLOPT_WRITEFUNCTION, discard);
    return 0;
}

static int prepare(struct job *j) { (void)j; return 0; }
