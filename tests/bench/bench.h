/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What dma_bench and track_bench share: the clock, the error exit, and a
 * figure of RUNS samples with its median, printed as median [min-max]
 * spread (spread = (max - min) / median).
 */
#ifndef MMIODEMO_BENCH_H
#define MMIODEMO_BENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS	11

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

/* (max - min) / median, in percent. */
static inline double spread(struct figure *f)
{
	double m = median(f);

	return m > 0 ? (f->v[RUNS - 1] - f->v[0]) / m * 100 : 0;
}

/*
 * "median [min-max] spread%" of @f, each value times @scale, in one of a
 * few static buffers: several may be printed in one printf().
 */
static inline const char *cell(struct figure *f, double scale)
{
	static char buf[4][64];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%.3f [%.3f-%.3f] %2.0f%%",
		 median(f) * scale, f->v[0] * scale, f->v[RUNS - 1] * scale,
		 spread(f));
	return buf[k];
}

#endif /* MMIODEMO_BENCH_H */
