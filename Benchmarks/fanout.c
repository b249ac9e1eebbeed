// fanout: one event delivered to N subscribers (issue 12, B16).
//
//   fanout SOCKET N ROUNDS SCHOOL
//
// Opens N connections that each call events.subscribe, then ROUNDS times adds a one-day closure to
// SCHOOL (one calendar.changed event each) and times from sending that request until the last of the
// N subscribers has read the event: an upper bound on commit to the last socket, since it holds the
// commit of the change and this client reading N sockets, with epoll. It replaces a Python client
// (Benchmarks/event_fanout.py): on 2 cores the client competes with the daemon for them, and this
// one's own work per round is a fraction of the Python loop's (the figures were the same within the
// run-to-run noise: Docs/Performance.md). The daemon must allow N+1 connections from one uid
// (limits.maxConnections, limits.maxConnectionsPerUid).
//
// Prints, as Benchmarks/event_fanout.py did:
//   fanout p50_ms= p99_ms= max_ms= first_p50_ms= first_p99_ms= spread_p50_ms= spread_p99_ms=
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static int connect_to(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "socket path too long: %s\n", path);
        exit(2);
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("connect");
    return fd;
}

static void send_all(int fd, const char *text) {
    size_t left = strlen(text);
    while (left > 0) {
        ssize_t n = write(fd, text, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) die("write");
        text += n;
        left -= (size_t)n;
    }
}

// Reads one reply line (blocking); fails unless it holds `expect`.
static void read_line(int fd, const char *expect) {
    char buf[65536];
    size_t have = 0;
    while (have == 0 || memchr(buf, '\n', have) == NULL) {
        if (have == sizeof buf - 1) break;
        ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) die("read");
        have += (size_t)n;
    }
    buf[have] = 0;
    if (expect && !strstr(buf, expect)) {
        fprintf(stderr, "unexpected reply: %.300s\n", buf);
        exit(1);
    }
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// The same percentile as the Python client: the value at int(q * count), sorted.
static double pct(const double *sorted, int count, double q) {
    int i = (int)(q * count);
    return sorted[i < count ? i : count - 1];
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: fanout SOCKET N ROUNDS SCHOOL\n");
        return 2;
    }
    const char *path = argv[1];
    int n = atoi(argv[2]), rounds = atoi(argv[3]);
    long school = atol(argv[4]);
    if (n <= 0 || rounds <= 0) {
        fprintf(stderr, "N and ROUNDS must be positive\n");
        return 2;
    }
    struct rlimit files = {8192, 8192};
    setrlimit(RLIMIT_NOFILE, &files);

    int *subs = calloc((size_t)n, sizeof *subs);
    int *seen = calloc((size_t)n, sizeof *seen);  // the last round each subscriber read the event in
    char(*tail)[16] = calloc((size_t)n, sizeof *tail);  // each one's last bytes: a name split by a read
    double *total = calloc((size_t)rounds, sizeof *total), *first = calloc((size_t)rounds, sizeof *first),
           *spread = calloc((size_t)rounds, sizeof *spread);
    if (!subs || !seen || !tail || !total || !first || !spread) die("calloc");
    for (int i = 0; i < n; i++) {
        subs[i] = connect_to(path);
        send_all(subs[i], "{\"jsonrpc\":\"2.0\",\"method\":\"events.subscribe\",\"id\":1}\n");
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    for (int i = 0; i < n; i++) {
        read_line(subs[i], "\"result\"");
        fcntl(subs[i], F_SETFL, fcntl(subs[i], F_GETFL) | O_NONBLOCK);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, subs[i], &ev) != 0) die("epoll_ctl");
        seen[i] = -1;
    }
    int ctl = connect_to(path);
    struct epoll_event *ready = calloc((size_t)n, sizeof *ready);
    char *buf = malloc(65536 + 16);
    if (!ready || !buf) die("malloc");
    const char *needle = "events.event";
    size_t needle_len = strlen(needle);

    for (int r = 0; r < rounds; r++) {
        // 2032-01-05 plus r days, as the Python client: a day no round has closed before.
        struct tm day = {.tm_year = 132, .tm_mon = 0, .tm_mday = 5 + r, .tm_hour = 12};
        time_t t = timegm(&day);
        gmtime_r(&t, &day);
        char request[512];
        snprintf(request, sizeof request,
            "{\"jsonrpc\":\"2.0\",\"method\":\"calendar.addClosure\",\"params\":{\"school\":%ld,"
            "\"from\":\"%04d-%02d-%02d\",\"to\":\"%04d-%02d-%02d\",\"reason\":\"bench\"},\"id\":1}\n",
            school, day.tm_year + 1900, day.tm_mon + 1, day.tm_mday, day.tm_year + 1900, day.tm_mon + 1,
            day.tm_mday);
        double t0 = now_ms(), t1 = -1;
        send_all(ctl, request);
        int pending = n;
        while (pending > 0) {
            if (now_ms() - t0 > 30000) {
                fprintf(stderr, "%d subscribers got no event within 30 s\n", pending);
                return 1;
            }
            int count = epoll_wait(ep, ready, n, 5000);
            if (count < 0 && errno == EINTR) continue;
            if (count < 0) die("epoll_wait");
            for (int k = 0; k < count; k++) {
                int i = (int)ready[k].data.u32;
                for (;;) {
                    memcpy(buf, tail[i], 16);
                    ssize_t got = read(subs[i], buf + 16, 65536);
                    if (got < 0 && errno == EINTR) continue;
                    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                    if (got <= 0) {
                        fprintf(stderr, "subscriber %d: connection closed\n", i);
                        return 1;
                    }
                    if (seen[i] != r && memmem(buf, (size_t)got + 16, needle, needle_len)) {
                        seen[i] = r;
                        pending--;
                        if (t1 < 0) t1 = now_ms();
                    }
                    memcpy(tail[i], buf + got, 16);
                }
            }
        }
        double t2 = now_ms();
        total[r] = t2 - t0;
        first[r] = t1 - t0;
        spread[r] = t2 - t1;
        read_line(ctl, "\"result\"");
    }
    qsort(total, (size_t)rounds, sizeof *total, by_value);
    qsort(first, (size_t)rounds, sizeof *first, by_value);
    qsort(spread, (size_t)rounds, sizeof *spread, by_value);
    printf("one event to %d subscribers, %d rounds: p50 %.1f ms, p99 %.1f ms, max %.1f ms "
           "(request sent -> last subscriber read it)\n",
        n, rounds, pct(total, rounds, 0.5), pct(total, rounds, 0.99), total[rounds - 1]);
    printf("first subscriber read it: p50 %.1f ms, p99 %.1f ms; first to last read: p50 %.1f ms, p99 %.1f ms\n",
        pct(first, rounds, 0.5), pct(first, rounds, 0.99), pct(spread, rounds, 0.5), pct(spread, rounds, 0.99));
    printf("fanout p50_ms=%.3f p99_ms=%.3f max_ms=%.3f first_p50_ms=%.3f first_p99_ms=%.3f spread_p50_ms=%.3f "
           "spread_p99_ms=%.3f\n",
        pct(total, rounds, 0.5), pct(total, rounds, 0.99), total[rounds - 1], pct(first, rounds, 0.5),
        pct(first, rounds, 0.99), pct(spread, rounds, 0.5), pct(spread, rounds, 0.99));
    return 0;
}
