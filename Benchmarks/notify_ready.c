// notify_ready: starts a daemon with NOTIFY_SOCKET pointing at a datagram socket of its own (as
// systemd does for Type=notify), and reports the time from exec to READY=1 and the daemon's memory
// then. It stays the daemon's parent afterwards, counting WATCHDOG=1 pings, until the daemon exits
// (SIGTERM/SIGINT to notify_ready are passed on).
//
//   notify_ready [-t TIMEOUT_MS] [-o RESULT_FILE] -- COMMAND ARGS...
//
// Prints (and writes to RESULT_FILE) once READY=1 arrives:
//   pid= ready_ms= rss_kb= hwm_kb=
// and at the end: watchdog_pings= exit=
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t child;
static void forward(int sig) {
    if (child > 0) kill(child, sig);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static long status_kb(pid_t pid, const char *field) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long value = -1;
    size_t flen = strlen(field);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
            value = strtol(line + flen + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return value;
}

int main(int argc, char **argv) {
    long timeout_ms = 60000;
    const char *out = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "+t:o:")) != -1) {
        if (opt == 't') timeout_ms = atol(optarg);
        else if (opt == 'o') out = optarg;
        else return 2;
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: notify_ready [-t TIMEOUT_MS] [-o FILE] -- COMMAND ARGS...\n");
        return 2;
    }
    char dir[] = "/tmp/notify-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    char path[108];
    snprintf(path, sizeof path, "%s/notify", dir);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strcpy(addr.sun_path, path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("bind");
        return 2;
    }
    setenv("NOTIFY_SOCKET", path, 1);
    struct sigaction sa = {.sa_handler = forward};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    // Whoever started us may have blocked signals; the forwarding above needs them.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    uint64_t t0 = now_ns();
    child = fork();
    if (child == 0) {
        execvp(argv[optind], argv + optind);
        perror(argv[optind]);
        _exit(127);
    }
    int ready = 0, pings = 0, status = 0;
    char msg[4096];
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, 1, 20);
        if (n > 0) {
            ssize_t r = recv(fd, msg, sizeof msg - 1, 0);
            if (r > 0) {
                msg[r] = 0;
                uint64_t t = now_ns();
                // Messages are newline-separated assignments.
                for (char *s = strtok(msg, "\n"); s; s = strtok(NULL, "\n")) {
                    if (strcmp(s, "READY=1") == 0 && !ready) {
                        ready = 1;
                        double ms = (double)(t - t0) / 1e6;
                        char line[256];
                        snprintf(line, sizeof line, "pid=%d ready_ms=%.1f rss_kb=%ld hwm_kb=%ld\n", (int)child, ms,
                                 status_kb(child, "VmRSS"), status_kb(child, "VmHWM"));
                        fputs(line, stdout);
                        fflush(stdout);
                        if (out) {
                            FILE *f = fopen(out, "w");
                            if (f) {
                                fputs(line, f);
                                fclose(f);
                            }
                        }
                    } else if (strcmp(s, "WATCHDOG=1") == 0) {
                        pings++;
                    }
                }
            }
        }
        pid_t w = waitpid(child, &status, WNOHANG);
        if (w == child) break;
        if (!ready && (long)((now_ns() - t0) / 1000000) > timeout_ms) {
            fprintf(stderr, "notify_ready: no READY=1 within %ld ms\n", timeout_ms);
            kill(child, SIGKILL);
            waitpid(child, &status, 0);
            break;
        }
    }
    printf("watchdog_pings=%d exit=%d\n", pings, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    unlink(path);
    rmdir(dir);
    return ready ? 0 : 1;
}
