/* Shared driver for smtp-floor.c and http-floor.c, the bare-libcurl rows of `make bench-dispatch`: N transfers
 * over CONCURRENCY reused easy handles, spread over THREADS threads, each with its own multi handle driving its
 * share (the daemon's layout: 16 threads of one SMTP transfer each, 2 threads for HTTP). The including file
 * defines struct proto (per-handle state), setup(), prepare() (per message, before each curl_multi_add_handle),
 * build() (the payloads, before timing) and EXPECTED_CODE (the last response code of a transfer that succeeded:
 * 250 after the end of DATA, 200 for HTTP). Every failure is counted (the first 10 printed) and fails the run.
 * Prints the rate and the process CPU (getrusage, all threads) per transfer over the timed section only. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

struct job { CURL *easy; long index; char err[CURL_ERROR_SIZE]; struct proto p; };
static int setup(struct job *j);                 /* once per easy handle: 0 or -1 */
static int prepare(struct job *j);               /* per message (j->index set): 0 or -1 */

static int port; static long total;
static atomic_long next_index, done_count, failures, new_connections;

#define FAIL(...) do { if (atomic_fetch_add(&failures, 1) < 10) fprintf(stderr, __VA_ARGS__); } while (0)
#define SETOPT(j, opt, val) do { CURLcode c_ = curl_easy_setopt((j)->easy, opt, val); \
    if (c_) { fprintf(stderr, "setopt %s: %s\n", #opt, curl_easy_strerror(c_)); return -1; } } while (0)
#define MCHECK(call) do { CURLMcode m_ = (call); \
    if (m_) { fprintf(stderr, "%s: %s\n", #call, curl_multi_strerror(m_)); exit(2); } } while (0)

static int take(struct job *j) {                 /* next message for this handle, or 0 when all are taken */
    long i = atomic_fetch_add(&next_index, 1);
    if (i >= total) return 0;
    j->index = i;
    if (prepare(j)) exit(2);
    return 1;
}

static void finish(struct job *j, CURLcode result) {
    long conns = 0, code = 0;
    if (curl_easy_getinfo(j->easy, CURLINFO_NUM_CONNECTS, &conns) == CURLE_OK) atomic_fetch_add(&new_connections, conns);
    if (result != CURLE_OK) FAIL("message %ld: %s (%s)\n", j->index, curl_easy_strerror(result), j->err);
    else if (curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK || code != EXPECTED_CODE)
        FAIL("message %ld: response code %ld, expected %d\n", j->index, code, EXPECTED_CODE);
    atomic_fetch_add(&done_count, 1);
}

static struct job *new_job(void) {
    struct job *j = calloc(1, sizeof *j);
    if (!j || !(j->easy = curl_easy_init())) { fprintf(stderr, "curl_easy_init failed\n"); exit(2); }
    if (curl_easy_setopt(j->easy, CURLOPT_PRIVATE, j) || curl_easy_setopt(j->easy, CURLOPT_ERRORBUFFER, j->err) ||
        curl_easy_setopt(j->easy, CURLOPT_NOSIGNAL, 1L) || setup(j)) exit(2);
    return j;
}

/* Drives every handle added to `multi` until none is left; each finished handle takes the next message. */
static void drive(CURLM *multi, int active) {
    while (active > 0) {
        int running, queued, added = 0;
        MCHECK(curl_multi_perform(multi, &running));
        CURLMsg *m;
        while ((m = curl_multi_info_read(multi, &queued))) {
            if (m->msg != CURLMSG_DONE) continue;
            struct job *j; CURL *easy = m->easy_handle; CURLcode result = m->data.result;
            curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&j);
            finish(j, result);
            MCHECK(curl_multi_remove_handle(multi, easy));
            if (take(j)) { MCHECK(curl_multi_add_handle(multi, easy)); added = 1; } else active--;
        }
        if (active > 0 && !added) MCHECK(curl_multi_poll(multi, NULL, 0, 1000, NULL));
    }
}

static int per_thread;

static void *worker(void *arg) {                 /* one multi handle driving `per_thread` handles at a time */
    (void)arg;
    CURLM *multi = curl_multi_init();
    if (!multi) exit(2);
    struct job **jobs = calloc(per_thread, sizeof *jobs);
    int active = 0;
    for (int i = 0; i < per_thread; i++) {
        jobs[i] = new_job();
        if (take(jobs[i])) { MCHECK(curl_multi_add_handle(multi, jobs[i]->easy)); active++; }
    }
    drive(multi, active);
    curl_multi_cleanup(multi);
    for (int i = 0; i < per_thread; i++) { curl_easy_cleanup(jobs[i]->easy); free(jobs[i]); }
    free(jobs);
    return NULL;
}

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static double cpu(void) {
    struct rusage u; getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static void build(void);                         /* prebuilds the payloads, before timing */

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: %s PORT N CONCURRENCY THREADS\n", argv[0]); return 2; }
    port = atoi(argv[1]); total = atol(argv[2]); int concurrency = atoi(argv[3]), threads = atoi(argv[4]);
    if (threads < 1 || concurrency < threads || concurrency % threads) {
        fprintf(stderr, "CONCURRENCY must be a multiple of THREADS\n"); return 2;
    }
    per_thread = concurrency / threads;
    if (curl_global_init(CURL_GLOBAL_DEFAULT)) { fprintf(stderr, "curl_global_init failed\n"); return 2; }
    build();
    double t0 = now(), c0 = cpu();
    pthread_t *ids = calloc(threads, sizeof *ids);
    for (int i = 0; i < threads; i++)
        if (pthread_create(&ids[i], NULL, worker, NULL)) { fprintf(stderr, "pthread_create failed\n"); return 2; }
    for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    double elapsed = now() - t0, used = cpu() - c0;
    long done = atomic_load(&done_count), failed = atomic_load(&failures);
    printf("transfers=%ld failures=%ld new_connections=%ld seconds=%.3f rate=%.1f cpu_us_per_transfer=%.1f\n",
           done, failed, atomic_load(&new_connections), elapsed, done / elapsed, used * 1e6 / done);
    return (failed || done != total) ? 1 : 0;
}
