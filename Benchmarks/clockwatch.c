// B8 (issue 9): counts the discontinuous changes of CLOCK_REALTIME (NTP steps, `date -s`, a VM
// host setting the guest clock) for N seconds, as TFD_TIMER_CANCEL_ON_SET reports them to
// coachd's due alarm, which wakes once for each (by design: due times are re-checked).
#include <sys/timerfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>
#include <time.h>
#include <poll.h>
int main(int argc, char **argv) {
    int secs = argc > 1 ? atoi(argv[1]) : 60, changes = 0;
    struct timespec start; clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
        struct itimerspec spec = {0}; spec.it_value.tv_sec = time(NULL) + 100000;
        timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, 0);
        struct timespec now; clock_gettime(CLOCK_MONOTONIC, &now);
        int left = secs * 1000 - (int)((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
        if (left <= 0) break;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, left) > 0) {
            unsigned long long n; if (read(fd, &n, 8) < 0 && errno == ECANCELED) {
                struct timespec r; clock_gettime(CLOCK_REALTIME, &r);
                printf("clock set at monotonic %ld.%03ld (realtime %ld)\n", now.tv_sec, now.tv_nsec/1000000, r.tv_sec); changes++; fflush(stdout);
            }
        }
        close(fd);
    }
    printf("changes=%d seconds=%d\n", changes, secs);
    return 0;
}
