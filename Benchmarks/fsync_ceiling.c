// fsync_ceiling: how many durable single-row transactions per second this disk allows. SQLite in
// WAL mode with synchronous=FULL (as coachd runs it), one connection, one INSERT per transaction,
// each committed (and so fsynced) before the next: the ceiling a daemon reaches without group commit.
//
//   fsync_ceiling -f DATABASE [-d SECONDS]
//
// Output: transactions= seconds= tps= p50_us= p99_us=
#define _GNU_SOURCE
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "fsync_ceiling: %s: %s\n", what, sqlite3_errmsg(db));
        exit(2);
    }
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    const char *file = NULL;
    double seconds = 3;
    int opt;
    while ((opt = getopt(argc, argv, "f:d:")) != -1) {
        if (opt == 'f') file = optarg;
        else if (opt == 'd') seconds = atof(optarg);
        else return 2;
    }
    if (!file) {
        fprintf(stderr, "usage: fsync_ceiling -f DATABASE [-d SECONDS]\n");
        return 2;
    }
    sqlite3 *db;
    check(sqlite3_open(file, &db), db, "open");
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                           "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, at REAL NOT NULL, v TEXT NOT NULL);",
                       NULL, NULL, NULL),
          db, "setup");
    sqlite3_stmt *ins;
    check(sqlite3_prepare_v2(db, "INSERT INTO t (at, v) VALUES (?, 'a state change of about this size')", -1, &ins, NULL),
          db, "prepare");
    size_t cap = 1 << 16, n = 0;
    uint64_t *lat = malloc(cap * sizeof *lat);
    uint64_t t0 = now_ns(), end = t0 + (uint64_t)(seconds * 1e9), t = t0;
    while (t < end) {
        uint64_t s = now_ns();
        sqlite3_bind_double(ins, 1, (double)s / 1e9);
        check(sqlite3_step(ins), db, "insert");  // autocommit: one transaction, one WAL fsync
        sqlite3_reset(ins);
        t = now_ns();
        if (n == cap) lat = realloc(lat, (cap *= 2) * sizeof *lat);
        lat[n++] = t - s;
    }
    double wall = (double)(t - t0) / 1e9;
    qsort(lat, n, sizeof *lat, cmp_u64);
    printf("transactions=%zu seconds=%.3f tps=%.0f p50_us=%.1f p99_us=%.1f\n", n, wall, (double)n / wall,
           lat[n / 2] / 1000.0, lat[(size_t)(0.99 * (double)(n - 1))] / 1000.0);
    sqlite3_finalize(ins);
    sqlite3_close(db);
    return 0;
}
