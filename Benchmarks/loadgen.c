// loadgen: drives any line protocol (or RESP) over a Unix socket with N connections, closed loop:
// each connection sends one request and waits for its whole reply before sending the next.
// One thread, one epoll set, no allocation on the hot path: the same client code measures coachd,
// redis-server and the bare floor server, so their figures can be compared as ratios.
//
//   loadgen -s SOCKET [-c CONNS] [-d SECONDS | -n REQUESTS] [-w WARMUP_SECONDS]
//           (-l LINE | -f FILE) [-p line|resp] [-e EXPECT] [-o LAST_REPLY_FILE]
//
// -f FILE: one request per line; connection i sends line (i mod lines) every time, so each
// connection can target its own pair or key. Output, one line of key=value pairs:
//   requests= seconds= rps= p50_us= p90_us= p99_us= max_us= errors= reply_bytes= cpu_pct=
// cpu_pct is the generator's own CPU time over wall time (100 = one core busy): well under 100
// shows the generator was waiting for the server, not the other way round.
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

enum proto { PROTO_LINE, PROTO_RESP };

struct conn {
    int fd;
    const char *req;
    size_t req_len;
    size_t sent;
    char *buf;
    size_t cap, len;
    uint64_t started_ns;
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
    exit(2);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

// Length of one complete reply at the start of buf, or 0 when more bytes are needed.
static size_t reply_length(enum proto proto, const char *buf, size_t len) {
    const char *nl = memchr(buf, '\n', len);
    if (!nl) return 0;
    size_t head = (size_t)(nl - buf) + 1;
    if (proto == PROTO_LINE || buf[0] != '$') return head;
    long n = strtol(buf + 1, NULL, 10);
    if (n < 0) return head;  // $-1: nil
    size_t total = head + (size_t)n + 2;
    return len >= total ? total : 0;
}

static int connect_to(const char *path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "loadgen: socket path too long: %s\n", path);
        exit(2);
    }
    strcpy(addr.sun_path, path);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die(path);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static char **read_lines(const char *file, size_t *count) {
    FILE *f = fopen(file, "r");
    if (!f) die(file);
    char **lines = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t linecap = 0;
    ssize_t got;
    while ((got = getline(&line, &linecap, f)) > 0) {
        if (line[got - 1] != '\n') {
            line = realloc(line, (size_t)got + 2);
            line[got++] = '\n';
            line[got] = 0;
        }
        if (got == 1) continue;
        if (n == cap) lines = realloc(lines, (cap = cap ? cap * 2 : 16) * sizeof *lines);
        lines[n++] = strdup(line);
    }
    free(line);
    fclose(f);
    if (n == 0) {
        fprintf(stderr, "loadgen: %s holds no request\n", file);
        exit(2);
    }
    *count = n;
    return lines;
}

static void start_request(struct conn *c, uint64_t t) {
    c->started_ns = t;
    c->sent = 0;
    while (c->sent < c->req_len) {
        ssize_t w = write(c->fd, c->req + c->sent, c->req_len - c->sent);
        if (w < 0) {
            if (errno == EAGAIN) return;  // rest goes out on EPOLLOUT
            die("write");
        }
        c->sent += (size_t)w;
    }
}

int main(int argc, char **argv) {
    const char *path = NULL, *line = NULL, *file = NULL, *expect = NULL, *save = NULL;
    int conns = 1;
    double seconds = 0, warmup = 0;
    long total = 0;
    enum proto proto = PROTO_LINE;
    int opt;
    while ((opt = getopt(argc, argv, "s:c:d:n:w:l:f:p:e:o:")) != -1) {
        switch (opt) {
        case 's': path = optarg; break;
        case 'c': conns = atoi(optarg); break;
        case 'd': seconds = atof(optarg); break;
        case 'n': total = atol(optarg); break;
        case 'w': warmup = atof(optarg); break;
        case 'l': line = optarg; break;
        case 'f': file = optarg; break;
        case 'p': proto = strcmp(optarg, "resp") == 0 ? PROTO_RESP : PROTO_LINE; break;
        case 'e': expect = optarg; break;
        case 'o': save = optarg; break;
        default:
            fprintf(stderr, "usage: loadgen -s SOCKET [-c N] [-d SEC | -n REQ] [-w SEC] (-l LINE | -f FILE) "
                            "[-p line|resp] [-e EXPECT]\n");
            return 2;
        }
    }
    if (!path || (!line && !file) || conns < 1 || (seconds <= 0 && total <= 0)) {
        fprintf(stderr, "loadgen: need -s, -l or -f, and -d or -n (see the comment at the top of loadgen.c)\n");
        return 2;
    }
    size_t nlines = 1;
    char **lines;
    if (file) {
        lines = read_lines(file, &nlines);
    } else {
        lines = malloc(sizeof *lines);
        size_t len = strlen(line);
        lines[0] = malloc(len + 2);
        memcpy(lines[0], line, len);
        lines[0][len] = '\n';
        lines[0][len + 1] = 0;
    }

    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct conn *cs = calloc((size_t)conns, sizeof *cs);
    for (int i = 0; i < conns; i++) {
        cs[i].fd = connect_to(path);
        cs[i].req = lines[(size_t)i % nlines];
        cs[i].req_len = strlen(cs[i].req);
        cs[i].cap = 1 << 16;
        cs[i].buf = malloc(cs[i].cap);
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u32 = (uint32_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev) != 0) die("epoll_ctl");
    }

    size_t sample_cap = 1 << 20, nsamples = 0;
    uint64_t *samples = malloc(sample_cap * sizeof *samples);
    long errors = 0, done_after_warmup = 0;
    size_t reply_bytes = 0;
    int shown_error = 0;
    uint64_t t0 = now_ns();
    uint64_t warm_end = t0 + (uint64_t)(warmup * 1e9);
    uint64_t end = seconds > 0 ? warm_end + (uint64_t)(seconds * 1e9) : UINT64_MAX;
    struct rusage ru0 = {0};
    int measuring = warmup <= 0;
    uint64_t measure_start = t0;
    if (measuring) getrusage(RUSAGE_SELF, &ru0);
    long issued = conns;
    for (int i = 0; i < conns; i++) start_request(&cs[i], t0);
    int active = conns;
    int stopping = 0;
    struct epoll_event events[256];
    while (active > 0) {
        int n = epoll_wait(ep, events, 256, 1000);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        uint64_t t = now_ns();
        if (!measuring && t >= warm_end) {
            measuring = 1;
            measure_start = t;
            getrusage(RUSAGE_SELF, &ru0);
        }
        if (t >= end) stopping = 1;
        for (int k = 0; k < n; k++) {
            struct conn *c = &cs[events[k].data.u32];
            if (c->fd < 0) continue;
            if ((events[k].events & EPOLLOUT) && c->sent < c->req_len) start_request(c, c->started_ns);
            if (!(events[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
            for (;;) {
                if (c->len == c->cap) c->buf = realloc(c->buf, c->cap *= 2);
                ssize_t r = read(c->fd, c->buf + c->len, c->cap - c->len);
                if (r < 0) {
                    if (errno == EAGAIN) break;
                    die("read");
                }
                if (r == 0) {
                    fprintf(stderr, "loadgen: the server closed a connection\n");
                    exit(3);
                }
                c->len += (size_t)r;
            }
            size_t got;
            while (c->len > 0 && (got = reply_length(proto, c->buf, c->len)) > 0) {
                uint64_t now = now_ns();
                if (expect && !memmem(c->buf, got, expect, strlen(expect))) {
                    errors++;
                    if (!shown_error++)
                        fprintf(stderr, "loadgen: unexpected reply: %.*s\n", (int)(got > 300 ? 300 : got), c->buf);
                }
                reply_bytes = got;
                if (save && (stopping || (total > 0 && issued >= total))) {
                    FILE *f = fopen(save, "w");
                    if (f) {
                        fwrite(c->buf, 1, got, f);
                        fclose(f);
                    }
                }
                memmove(c->buf, c->buf + got, c->len - got);
                c->len -= got;
                if (measuring && c->started_ns >= measure_start) {
                    if (nsamples == sample_cap) samples = realloc(samples, (sample_cap *= 2) * sizeof *samples);
                    samples[nsamples++] = now - c->started_ns;
                    done_after_warmup++;
                }
                if (stopping || (total > 0 && issued >= total)) {
                    close(c->fd);
                    c->fd = -1;
                    active--;
                    break;
                }
                issued++;
                start_request(c, now);
            }
        }
    }
    uint64_t t_end = now_ns();
    struct rusage ru1;
    getrusage(RUSAGE_SELF, &ru1);
    double wall = (double)(t_end - measure_start) / 1e9;
    double cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) + (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6 +
                 (double)(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) + (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
    qsort(samples, nsamples, sizeof *samples, cmp_u64);
#define PCT(p) (nsamples ? samples[(size_t)((p) * (double)(nsamples - 1))] / 1000.0 : 0)
    printf("requests=%ld seconds=%.3f rps=%.0f p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f errors=%ld "
           "reply_bytes=%zu cpu_pct=%.0f\n",
           done_after_warmup, wall, wall > 0 ? (double)done_after_warmup / wall : 0, PCT(0.50), PCT(0.90), PCT(0.99),
           nsamples ? samples[nsamples - 1] / 1000.0 : 0, errors, reply_bytes, wall > 0 ? 100 * cpu / wall : 0);
    return errors > 0 ? 1 : 0;
}
