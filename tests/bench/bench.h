/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What dma_bench and track_bench share: the clock, the error exit, and a
 * figure of RUNS samples with its median.
 */
#ifndef MMIODEMO_BENCH_H
#define MMIODEMO_BENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS	7

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Exit status 2: the benchmark could not run (1 is a missed target). */
static inline void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what,
		strerror(errno));
	exit(2);
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* RUNS samples: median() sorts them, then the range is v[0]..v[RUNS - 1]. */
struct figure {
	double v[RUNS];
};

static inline double median(struct figure *f)
{
	qsort(f->v, RUNS, sizeof(f->v[0]), cmp_double);
	return f->v[RUNS / 2];
}

#endif /* MMIODEMO_BENCH_H */
