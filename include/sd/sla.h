/* SPDX-License-Identifier: MIT */
#ifndef SD_SLA_H
#define SD_SLA_H

/*
 * SLA clocks, derived from a ticket's fields and timeline and the config's
 * policies, so that every clone computes the same clocks after a sync and a
 * config change re-evaluates them. Nothing here is stored.
 */

#include "sd/config.h"
#include "sd/ticket.h"

enum sd_clock_state {
	SD_CLOCK_RUNNING,
	SD_CLOCK_AT_RISK,
	SD_CLOCK_PAUSED,
	SD_CLOCK_MET,
	SD_CLOCK_BREACHED
};
extern const char *const sd_clock_states[]; /* "running", "at-risk", ... */

struct sd_clock {
	int present; /* 0: the policy has no such clock (next response) */
	int active;  /* 0: nothing to measure yet (next response with no question) */
	enum sd_clock_state state;
	int64_t target;	 /* business seconds */
	int64_t elapsed; /* business seconds counted so far */
	int has_due;	 /* 0 while paused, or when the calendar never opens */
	sd_time due;	 /* when the target falls (fell) due */
	sd_time started; /* when this clock (or cycle) started */
};

struct sd_sla {
	const struct sd_sla_policy *policy; /* NULL: no policy matches */
	struct sd_clock first_response, next_response, resolution;
};

/* The first policy whose match fits the ticket, or NULL. */
const struct sd_sla_policy *sd_sla_policy_for(const struct sd_config *cfg,
					      const struct sd_ticket *t);
/* Evaluates the ticket's clocks as they stand at instant `at`; entries
 * after `at` are ignored. */
sd_error *sd_sla_evaluate(struct sd_sla *out, struct sd_config *cfg, const struct sd_ticket *t,
			  sd_time at);
/* The worst state of the ticket's clocks, for sorting and filtering:
 * breached > at-risk > running > paused > met. */
int sd_sla_urgency(const struct sd_sla *sla);

#endif
