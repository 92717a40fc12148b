/* SPDX-License-Identifier: MIT */
#ifndef SD_CONFIG_H
#define SD_CONFIG_H

/* The store's configuration: the tracked .sd/config.yaml, which every
 * clone pulls, and the clone's own .git/sd/config.yaml, which nobody can
 * push (doc/sd-config.5.md). */

#include <stdint.h>

#include "sd/buf.h"
#include "sd/calendar.h"
#include "sd/error.h"
#include "sd/team.h"
#include "sd/util.h"

#define SD_CONFIG_PATH ".sd/config.yaml"
/* The local configuration's name under sd's private directory, .git/sd/. */
#define SD_LOCAL_CONFIG_NAME "config.yaml"

/* The commands sd runs, by the dotted key that sets them. A command in
 * the tracked config runs only once a person approved that exact argv on
 * the clone (sd trust); one in the local config runs as it is. */
enum sd_command_key {
	SD_CMD_BREACH_NOTIFY,
	SD_CMD_RISK_NOTIFY,
	SD_CMD_SENDMAIL, /* mail.sendmail: local configuration only */
	SD_CMD_COUNT
};
/* "sla.on_breach.notify", ...; NULL-terminated for sd_value_index. */
extern const char *const sd_command_keys[SD_CMD_COUNT + 1];

struct sd_config_command {
	struct sd_strvec tracked; /* argv from .sd/config.yaml; empty: none */
	size_t tracked_line;	  /* its line there; 0: not set there */
	struct sd_strvec local;	  /* argv from .git/sd/config.yaml */
	int has_local;		  /* set there (an empty list turns it off) */
};

/* commands.timeout when unset, in seconds. */
#define SD_COMMAND_TIMEOUT_DEFAULT 30

struct sd_tier_config {
	char *name;  /* e.g. "Service desk"; "" when unset */
	char *queue; /* "" when unset */
};

/* What a policy's 'match' may test; a policy matches when every listed
 * key has one of its values (tags: the ticket has one of the tags). */
enum sd_match_key {
	SD_MATCH_PRIORITY,
	SD_MATCH_TYPE,
	SD_MATCH_QUEUE,
	SD_MATCH_CATEGORY,
	SD_MATCH_TAG,
	SD_MATCH_COUNT
};
/* Their names in config files, NULL-terminated for sd_value_index. */
extern const char *const sd_match_keys[SD_MATCH_COUNT + 1];

struct sd_sla_policy {
	char *name;
	struct sd_strvec match[SD_MATCH_COUNT]; /* empty: any value */
	char *calendar;
	int64_t first_response, next_response, resolution; /* seconds; next_response -1: none */
};

/* The events mail.notify names, in its order: SD_MAIL_EV_NEW_TICKET is
 * "new_ticket", and so on (sd_mail_events). */
enum sd_mail_event {
	SD_MAIL_EV_NEW_TICKET,
	SD_MAIL_EV_ASSIGNED,
	SD_MAIL_EV_REQUESTER_REPLY,
	SD_MAIL_EV_SLA_AT_RISK,
	SD_MAIL_EV_SLA_BREACH,
	SD_MAIL_EV_COUNT
};
/* "new_ticket", "assigned", "requester_reply", "sla_at_risk",
 * "sla_breach"; NULL-terminated for sd_value_index. */
extern const char *const sd_mail_events[SD_MAIL_EV_COUNT + 1];

/* Who is told of one event: the union of the three, each address once. */
struct sd_mail_notify {
	int queue;		    /* the agents of the ticket's queue (agents:) */
	int assignee;		    /* the ticket's assignee */
	struct sd_strvec addresses; /* these addresses, as written */
};

/* The mail: section (sd-config(5), MAIL). */
struct sd_mail_config {
	/* The desk's own addresses, lower case; the first is the From of
	 * mail sd sends. Mail from any of them is refused, and they are
	 * left out of a ticket's cc. Empty: none configured. */
	struct sd_strvec addresses;
	char *name;		   /* display name of that From; "" when unset */
	char *tag;		   /* subject tag, as in [sd #1a2b3c4d]; default "sd" */
	int reopen_days;	   /* a reply reopens a ticket closed this recently */
	int64_t thread_window;	   /* seconds; 0: no sender + subject matching */
	int64_t max_message_bytes; /* attachments of one message, together */
	int64_t max_file_bytes;	   /* one attachment */
	int keep_original;	   /* keep the message as files/<...>.eml */
	int auto_reply;		   /* acknowledge a new ticket by mail */
	int auto_reply_limit;	   /* at most this many per sender per 24 hours */
	char *auto_reply_template; /* a path in the work tree */
	struct sd_mail_notify notify[SD_MAIL_EV_COUNT];
};

#define SD_MAIL_TAG_DEFAULT "sd"
#define SD_MAIL_REOPEN_DAYS_DEFAULT 14
#define SD_MAIL_MAX_BYTES_DEFAULT (10 * 1000 * 1000)
#define SD_MAIL_AUTO_REPLY_LIMIT_DEFAULT 3
#define SD_MAIL_TEMPLATE_DEFAULT ".sd/templates/auto-reply.md"
/* What runs when mail.sendmail is not set locally. */
#define SD_SENDMAIL_DEFAULT "/usr/sbin/sendmail", "-t", "-oi"

/* The requester portal, sd serve (doc/sd-serve.1.md). base_url and
 * listen come only from the local configuration: a status link carries a
 * secret, so a pulled config must not choose where links point. */
struct sd_portal_config {
	char *base_url;		     /* "https://help.example.com", no trailing '/'; "" unset */
	char *listen;		     /* "127.0.0.1:8080" */
	struct sd_strvec categories; /* offered on the form; empty: no category field */
	struct sd_strvec languages;  /* en, ru, sl; the first is the default */
	int per_address;	     /* tickets an address may open per hour; 0: no limit */
	int per_email;		     /* tickets an email may open per hour; 0: no limit */
	int64_t max_upload;	     /* bytes of attachments per request */
	int64_t max_text;	     /* bytes of a description or comment */
	int suggestions;	     /* knowledge-base articles offered before sending */
};

struct sd_config {
	/* priority_matrix[impact][urgency], indexes into sd_levels */
	char priority_matrix[3][3][3];
	struct sd_tier_config tiers[5]; /* L0..L4 */
	char *default_type;
	char *default_tier;

	struct sd_calendar *calendars; /* those of the config; "24x7" is built in */
	size_t ncalendars;
	struct sd_calendar always; /* the built-in 24x7 */
	int at_risk_percent;
	struct sd_strvec pause; /* statuses that stop the resolution clock */
	struct sd_sla_policy *policies;
	size_t npolicies;
	int breach_escalate;	  /* on_breach.escalate: next-tier */
	int breach_bump_priority; /* on_breach.bump_priority */
	struct sd_config_command commands[SD_CMD_COUNT];
	int command_timeout; /* seconds a command may run: commands.timeout */
	struct sd_team team; /* agents, routing and queues (team.h) */
	struct sd_mail_config mail;
	struct sd_strvec sendmail_default; /* SD_SENDMAIL_DEFAULT, for sd_config_sendmail */
	struct sd_portal_config portal;	   /* portal: */
	/* display.timezone: where people see times when TZ is unset; NULL: UTC. */
	char *display_timezone;
	double problem_similarity; /* problems.similarity: sd problem suggest's threshold */
};

/* The text sd init writes: every default, with comments. */
extern const char sd_config_default_text[];

/* Fills cfg with the built-in defaults. Release with sd_config_release. */
void sd_config_init(struct sd_config *cfg);
/* Parses text over the defaults already in cfg. Errors are "path:line: ...",
 * exit status 2. */
sd_error *sd_config_parse(struct sd_config *cfg, const char *text, size_t len, const char *path);
/* Parses the local configuration, .git/sd/config.yaml, over cfg: only the
 * keys that must not come from a pull (the commands, commands.timeout);
 * any other key is an error naming the ones allowed. */
sd_error *sd_config_parse_local(struct sd_config *cfg, const char *text, size_t len,
				const char *path);
void sd_config_release(struct sd_config *cfg);
/* The argv that sends mail on this clone: mail.sendmail of the local
 * configuration, else /usr/sbin/sendmail -t -oi. Empty (n == 0) when the
 * local file sets it to [] to turn sending off. Owned by cfg. */
const struct sd_strvec *sd_config_sendmail(const struct sd_config *cfg);
/* Whether addr is one of mail.addresses (ASCII case ignored). */
int sd_config_own_address(const struct sd_config *cfg, const char *addr);
/* The calendar called name (the config's, or the built-in "24x7"), or NULL. */
struct sd_calendar *sd_config_calendar(struct sd_config *cfg, const char *name);
/* The priority ("P3") for impact and urgency names; NULL when either is not
 * high/medium/low. */
const char *sd_config_priority(const struct sd_config *cfg, const char *impact,
			       const char *urgency);

#endif
