// SPDX-License-Identifier: GPL-2.0
/*
 * pctl.c - pooled percentiles of a cell's raw samples; see pctl.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pctl.h"
#include "stats.h"

const double rr_pctl_q[RR_NPCTL] = { 0.5, 0.9, 0.99 };
const char *const rr_pctl_name[RR_NPCTL] = { "p50", "p90", "p99" };

int rr_cell_pctl(const struct rr_file *f, const char *key, int boot,
		 struct rr_pctl *p)
{
	double *x;
	long *rep, last = -1;
	size_t i, n = 0;
	int k;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < f->ns; i++)
		if (!strcmp(f->s[i].key, key) && isfinite(f->s[i].ns))
			n++;
	if (!n)
		return 0;
	x = malloc(n * sizeof(*x));
	rep = malloc(n * sizeof(*rep));
	if (!x || !rep) {
		free(x);
		free(rep);
		return -1;
	}
	n = 0;
	for (i = 0; i < f->ns; i++)
		if (!strcmp(f->s[i].key, key) && isfinite(f->s[i].ns)) {
			x[n] = f->s[i].ns;
			rep[n] = f->s[i].rep;
			/* repetitions are written in order: count the changes */
			if (!n || rep[n] != last)
				p->nrep++;
			last = rep[n++];
		}
	p->n = n;
	if (rs_pooled_quantiles(x, rep, n, rr_pctl_q, RR_NPCTL,
				boot ? RS_BOOT_B : 0, RS_BOOT_SEED, 0.95,
				p->est, p->lo, p->hi)) {
		free(x);
		free(rep);
		return -1;
	}
	for (k = 0; k < RR_NPCTL; k++)
		p->shown[k] = n >= rs_quantile_min_n(rr_pctl_q[k]);
	free(x);
	free(rep);
	return 1;
}

void rr_pctl_short(char *buf, size_t len, int which)
{
	snprintf(buf, len, "n<%zu", rs_quantile_min_n(rr_pctl_q[which]));
}
