/* SPDX-License-Identifier: MIT */
#ifndef SD_IMPORT_H
#define SD_IMPORT_H

/*
 * Records of JSON Lines or CSV made into ticket files, for sd import.
 * doc/sd-import.1.md is the specification of what a record may hold and
 * what a missing value becomes.
 *
 * sd_import_parse is pure: it reads bytes, the config and the ids already
 * in the store, and returns one result per record, either the ticket file
 * to write or why the record cannot become one. It writes nothing and
 * prints nothing, so it can be fuzzed directly. Every ticket it returns
 * has been written with sd_ticket_write, read back with sd_ticket_parse,
 * checked with sd_ticket_validate and written again to the same bytes, so
 * an imported store passes sd check.
 *
 * Ownership: the struct sd_import owns every result, text and error in
 * it; release them with sd_import_release.
 */

#include <stddef.h>

#include "sd/buf.h"
#include "sd/config.h"
#include "sd/error.h"
#include "sd/id.h"
#include "sd/ticket.h"
#include "sd/time.h"
#include "sd/util.h"

enum sd_import_format { SD_IMPORT_JSONL, SD_IMPORT_CSV };

struct sd_import_options {
	enum sd_import_format format;
	const char *path;		  /* the input's name in messages */
	const struct sd_config *cfg;	  /* default type and tier, queues, priority matrix */
	const char *author;		  /* "Name <email>" of entries without an author */
	const char *requester;		  /* requester of records without one */
	sd_stamp now;			  /* created of records without one; one for all */
	const struct sd_strvec *existing; /* ids already in the store, sorted; NULL: none */
	int raw_csv; /* CSV cells as they are; else the "'" sd export adds is taken off */
	/* Called on each valid record's ticket before it is written (sd
	 * import --route), with the fields the record gave (bit 1 << field);
	 * an error makes the record invalid. NULL: none. */
	sd_error *(*route)(void *arg, struct sd_ticket *t, unsigned long given);
	void *route_arg;
	/* Told how many records are checked and written so far (the only
	 * slow part of a large import); NULL: nothing. */
	void (*progress)(void *arg, const char *what, uint64_t done, uint64_t total);
	void *progress_arg;
};

struct sd_import_ticket {
	size_t line;		/* where the record starts in the input, from 1 */
	char id[SD_ID_LEN + 1]; /* the ticket's id, given or generated; "" on error */
	struct sd_buf text;	/* the ticket file */
	sd_error *err;		/* why the record is not imported ("PATH:LINE: ..."), or NULL */
	unsigned long given;	/* the fields the record set, 1 << field */
};

struct sd_import {
	struct sd_import_ticket *v; /* one per record, in input order */
	size_t n;
	size_t nerr; /* results with err set */
};

/* Reads data[0..len) as opt->format. Problems with single records are
 * kept in their results; an error returned (status 2, "PATH:LINE: ...")
 * concerns the whole input, such as an unknown CSV column, and leaves
 * *out empty. */
sd_error *sd_import_parse(struct sd_import *out, const char *data, size_t len,
			  const struct sd_import_options *opt);
void sd_import_release(struct sd_import *im);

/* The columns of sd export's CSV, in order, NULL-terminated. */
extern const char *const sd_import_csv_columns[];

#endif
