// floor: the bare socket round trip. A single-threaded epoll server on a Unix socket that answers
// every received line with one fixed reply line and does nothing else: what no real server can
// beat on this machine. By default the reply is coachd's answer to daemon.ping, byte for byte.
//
//   floor -s SOCKET [-r REPLY]
//
// Stops on SIGTERM or SIGINT and removes the socket file.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static void die(const char *what) {
    fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
    exit(2);
}

int main(int argc, char **argv) {
    const char *path = NULL;
    const char *reply = "{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":1}";
    int opt;
    while ((opt = getopt(argc, argv, "s:r:")) != -1) {
        if (opt == 's') path = optarg;
        else if (opt == 'r') reply = optarg;
        else {
            fprintf(stderr, "usage: floor -s SOCKET [-r REPLY]\n");
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "usage: floor -s SOCKET [-r REPLY]\n");
        return 2;
    }
    size_t rlen = strlen(reply);
    char *line = malloc(rlen + 1);
    memcpy(line, reply, rlen);
    line[rlen++] = '\n';
    // Enough replies for a full read buffer of pipelined requests, written in one call.
    char *many = malloc(rlen * 4096);
    for (int i = 0; i < 4096; i++) memcpy(many + (size_t)i * rlen, line, rlen);

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (lfd < 0) die("socket");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "floor: socket path too long\n");
        return 2;
    }
    strcpy(addr.sun_path, path);
    unlink(path);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) != 0) die("bind");
    if (listen(lfd, 256) != 0) die("listen");
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    char buf[65536];
    struct epoll_event events[256];
    while (!stop) {
        int n = epoll_wait(ep, events, 256, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int k = 0; k < n; k++) {
            int fd = events[k].data.fd;
            if (fd == lfd) {
                int c;
                while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            ssize_t r = read(fd, buf, sizeof buf);
            if (r <= 0) {
                if (r < 0 && errno == EAGAIN) continue;
                close(fd);
                continue;
            }
            size_t lines = 0;
            for (ssize_t i = 0; i < r; i++) lines += buf[i] == '\n';
            while (lines > 0) {
                size_t batch = lines > 4096 ? 4096 : lines;
                // Blocking-style write of a small reply: the client reads before it sends more.
                size_t off = 0, len = batch * rlen;
                while (off < len) {
                    ssize_t w = write(fd, many + off, len - off);
                    if (w < 0) {
                        if (errno == EAGAIN) continue;
                        break;
                    }
                    off += (size_t)w;
                }
                lines -= batch;
            }
        }
    }
    unlink(path);
    return 0;
}
