/* SPDX-License-Identifier: MIT */
/* The config parsers (.sd/config.yaml and the local .git/sd/config.yaml):
 * any bytes give a config or an error with a message, and a config that
 * parses answers every lookup. */

#include "fuzz.h"
#include "sd/config.h"
#include "sd/route.h"
#include "sd/ticket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const levels[] = { "high", "medium", "low", "bogus" };
	struct sd_config cfg;
	if (size > 64 * 1024)
		return 0;
	sd_config_init(&cfg);
	sd_error *err = sd_config_parse(&cfg, (const char *)data, size, "config.yaml");
	if (err) {
		if (!err->msg[0])
			FUZZ_FAIL("an error without a message");
		sd_error_free(err);
	} else {
		for (int i = 0; i < 4; i++)
			for (int u = 0; u < 4; u++) {
				const char *p = sd_config_priority(&cfg, levels[i], levels[u]);
				if ((i < 3 && u < 3) != (p != NULL))
					FUZZ_FAIL("priority of %s/%s", levels[i], levels[u]);
			}
		for (size_t i = 0; i < cfg.ncalendars; i++)
			if (sd_config_calendar(&cfg, cfg.calendars[i].name) != &cfg.calendars[i])
				FUZZ_FAIL("calendar %s not found by its name",
					  cfg.calendars[i].name);
		if (!sd_config_calendar(&cfg, "24x7"))
			FUZZ_FAIL("no 24x7 calendar");
		/* The mail section: every address is the desk's own, the tag
		 * a word, the limits positive. */
		for (size_t i = 0; i < cfg.mail.addresses.n; i++)
			if (!sd_config_own_address(&cfg, cfg.mail.addresses.v[i]))
				FUZZ_FAIL("address %s not own", cfg.mail.addresses.v[i]);
		if (!*cfg.mail.tag || strpbrk(cfg.mail.tag, "[]# ") ||
		    cfg.mail.max_file_bytes < 1 || cfg.mail.max_message_bytes < 1)
			FUZZ_FAIL("mail section out of range");
		/* The team's checks and a rule match see every parsed value. */
		struct sd_strvec warnings = SD_STRVEC_INIT;
		struct sd_ticket t;
		sd_team_check(&cfg, &warnings);
		sd_strvec_clear(&warnings);
		sd_ticket_init(&t);
		sd_ticket_set(&t, SD_F_TITLE, "Tiskalnik ne dela");
		sd_ticket_set(&t, SD_F_REQUESTER, "boss@finance.example.com");
		(void)sd_route_match(&cfg.team, &t);
		sd_ticket_free(&t);
	}
	sd_config_release(&cfg);

	sd_config_init(&cfg);
	err = sd_config_parse_local(&cfg, (const char *)data, size, "local.yaml");
	if (err) {
		if (!err->msg[0])
			FUZZ_FAIL("a local config error without a message");
		sd_error_free(err);
	} else if (cfg.command_timeout < 1 || cfg.command_timeout > 86400) {
		FUZZ_FAIL("commands.timeout %d", cfg.command_timeout);
	}
	sd_config_release(&cfg);
	return 0;
}
