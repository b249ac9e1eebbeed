#ifndef COACHD_CSYSTEMD_SHIM_H
#define COACHD_CSYSTEMD_SHIM_H
// The parts of libsystemd coachd uses: readiness and watchdog (sd-daemon), native journal
// entries (sd-journal). The variadic calls (sd_journal_send, sd_notifyf) are not callable from
// Swift; sd_journal_sendv and sd_notify are.
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/uio.h>
#endif
