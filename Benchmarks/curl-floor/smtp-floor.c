/* Bare libcurl over SMTP, the floor row of `make bench-dispatch`: sends N prebuilt messages of SIZE bytes
 * (FLOOR_MESSAGE_SIZE, 3,000 by default; CRLF lines, a distinct Message-ID each) to smtp://127.0.0.1:PORT with
 * CONCURRENCY transfers in flight over THREADS threads (see floor.h), connections reused: each finished easy
 * handle is removed, rewound and added again for the next message.
 * Build: cc -O2 -o smtp-floor smtp-floor.c -lcurl -lpthread      Run: smtp-floor PORT N CONCURRENCY THREADS */
#define EXPECTED_CODE 250
#include <stddef.h>
struct proto { const char *data; size_t pos; };
#include "floor.h"

static size_t message_size = 3000;
static char *messages;                            /* total * message_size bytes */
static struct curl_slist *rcpt;
static char url[64];

static size_t reader(char *buf, size_t size, size_t nitems, void *userp) {
    struct job *j = userp;
    size_t n = message_size - j->p.pos;
    if (n > size * nitems) n = size * nitems;
    memcpy(buf, j->p.data + j->p.pos, n);
    j->p.pos += n;
    return n;
}

static void build(void) {
    snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
    const char *size = getenv("FLOOR_MESSAGE_SIZE");
    if (size && atol(size) >= 1000) message_size = (size_t)atol(size);
    if (!(rcpt = curl_slist_append(NULL, "<c@example.vn>")) || !(messages = malloc((size_t)total * message_size))) exit(2);
    static const char line[] = "Cuoi tuan nay, tat ca phu kien dien thoai deu duoc giam 20 phan tram: op lung.\r\n";
    for (long i = 0; i < total; i++) {
        char *m = messages + (size_t)i * message_size;
        int n = snprintf(m, message_size,
            "From: Cua hang <shop@example.vn>\r\nTo: <c@example.vn>\r\nSubject: Uu dai cuoi tuan %ld\r\n"
            "Date: Mon, 06 Jan 2025 10:00:00 +0700\r\nMessage-ID: <%ld.floor@example.vn>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n", i, i);
        while ((size_t)n + sizeof line - 1 <= message_size - 2) { memcpy(m + n, line, sizeof line - 1); n += sizeof line - 1; }
        while ((size_t)n < message_size - 2) m[n++] = 'x';   /* pad the last line so that every message is exactly the size */
        memcpy(m + n, "\r\n", 2);
    }
}

static int setup(struct job *j) {
    SETOPT(j, CURLOPT_URL, url);
    SETOPT(j, CURLOPT_MAIL_FROM, "<shop@example.vn>");
    SETOPT(j, CURLOPT_MAIL_RCPT, rcpt);
    SETOPT(j, CURLOPT_UPLOAD, 1L);
    SETOPT(j, CURLOPT_READFUNCTION, reader);
    SETOPT(j, CURLOPT_READDATA, j);
    SETOPT(j, CURLOPT_INFILESIZE_LARGE, (curl_off_t)message_size);
    return 0;
}

static int prepare(struct job *j) {
    j->p.data = messages + (size_t)j->index * message_size;
    j->p.pos = 0;
    SETOPT(j, CURLOPT_INFILESIZE_LARGE, (curl_off_t)message_size);
    return 0;
}
