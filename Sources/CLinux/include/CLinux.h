#ifndef COACHD_CLINUX_H
#define COACHD_CLINUX_H
// Linux interfaces Swift's Glibc module does not export: timerfd, for an alarm on the wall clock
// that also wakes when the clock is set (TFD_TIMER_CANCEL_ON_SET).
#include <sys/timerfd.h>

/// timerfd_settime with an absolute CLOCK_REALTIME deadline that is cancelled (read fails with
/// ECANCELED) when the clock is set discontinuously. Returns 0, or -1 with errno set.
int coachd_timerfd_arm_realtime(int fd, long long seconds, long nanoseconds);
#endif
