/* SPDX-License-Identifier: MIT */
#ifndef SD_LANG_H
#define SD_LANG_H

/*
 * The languages sd writes to requesters in (English, Russian, Slovenian,
 * as the portal): which one a ticket's requester wrote in, guessed from
 * the letters of the text, and the words sd's own mail uses in each.
 *
 * The guess reads only the ticket's text, so every clone makes the same
 * one, and no field has to be stored or merged. It is a guess about a
 * script and a few letters, not about a language: Cyrillic text is
 * answered in Russian, Latin text with č, š or ž (and none of the letters
 * of Czech or Croatian) in Slovenian, anything else in English.
 *
 * Everything here is static data; nothing to free.
 */

#include "sd/time.h"

enum sd_lang { SD_LANG_EN, SD_LANG_RU, SD_LANG_SL, SD_NLANGS };

/* "en", "ru", "sl". */
extern const char *const sd_lang_codes[SD_NLANGS];

/* The language text (UTF-8, NULL for none) was written in. */
enum sd_lang sd_lang_guess(const char *text);

/* Strings of sd's mail to requesters. */
enum sd_lang_msg {
	SD_MSG_FOOTER,	   /* "Ticket %s. Answer this message to add to it." */
	SD_MSG_STATUS,	   /* "Status" (before the status page's link) */
	SD_MSG_NOT_KEPT,   /* "These files of your message were not kept:" */
	SD_MSG_AUTO_REPLY, /* the built-in auto-reply template */
	SD_MSG_DROP_INTRO, /* "Your message was added ..., but not all of its files ..." */
	SD_MSG_DROP_ASK,   /* "Please send them another way ..." */
	SD_NMSGS
};
const char *sd_lang_msg(enum sd_lang lang, enum sd_lang_msg msg);

/* "Tuesday, 8 December 2026, 10:00 UTC", "вторник, 8 декабря 2026 г.,
 * 10:00 UTC", "torek, 8. decembra 2026, ob 10:00 UTC": instant t in zone
 * (an IANA name; NULL or "" for UTC), with the zone's abbreviation. */
void sd_lang_time_in_words(char out[128], enum sd_lang lang, sd_time t, const char *zone);

#endif
