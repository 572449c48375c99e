// Core-to-core cache-line round trip between vCPU 0 and vCPU 1, in plain C (no JVM, no JIT): issue #13's question
// whether the bimodal regimes belong to the VM's vCPU placement on the host rather than to corepin.
//   gcc -O2 -pthread -o c2c bench/regime/c2c.c && ./c2c [SECONDS] [WINDOW_MS]
// Thread A (vCPU 0) stores i into a padded line and spins until thread B (vCPU 1) has echoed i into a second line;
// prints one line per window: ns per round trip (median of the window's 1,000-trip batches) and the batch min.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct line { volatile long v; char pad[120]; } __attribute__((aligned(128)));
static struct line ping, pong;
static volatile int stop;

static void pin(int cpu) {
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(cpu, &s);
    if (pthread_setaffinity_np(pthread_self(), sizeof s, &s) != 0) { perror("affinity"); exit(1); }
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void *echo(void *arg) {
    (void) arg;
    pin(1);
    long seen = 0;
    while (!stop) {
        long v = ping.v;
        if (v != seen) { seen = v; pong.v = v; } else { __builtin_ia32_pause(); }
    }
    return NULL;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 10, window = (argc > 2 ? atof(argv[2]) : 500) * 1e6;
    pthread_t b;
    pthread_create(&b, NULL, echo, NULL);
    pin(0);
    long i = 0;
    double start = now_ns(), end = start + seconds * 1e9;
    static double batch[100000];
    while (now_ns() < end) {
        double w0 = now_ns();
        int n = 0;
        while (now_ns() - w0 < window && n < 100000) {
            double t0 = now_ns();
            for (int k = 0; k < 1000; k++) {
                ping.v = ++i;
                while (pong.v != i) __builtin_ia32_pause();
            }
            batch[n++] = (now_ns() - t0) / 1000;
        }
        qsort(batch, n, sizeof batch[0], cmp);
        printf("t=%6.2f s  round trip median %7.1f ns  min %7.1f ns  (%d batches)\n",
               (w0 - start) / 1e9, batch[n / 2], batch[0], n);
        fflush(stdout);
    }
    stop = 1;
    pthread_join(b, NULL);
    return 0;
}
