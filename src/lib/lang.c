/* SPDX-License-Identifier: MIT */
/* The requester's language and sd's words in it (lang.h). */

#include <stdio.h>
#include <string.h>

#include "sd/calendar.h"
#include "sd/lang.h"
#include "sd/text.h"

const char *const sd_lang_codes[SD_NLANGS] = { "en", "ru", "sl" };

/* Letters of languages written with č, š and ž that are not Slovenian:
 * ě ř ů ď ť ň (Czech, Slovak), ć đ (Croatian, Serbian, Bosnian). */
static int not_slovenian(unsigned c)
{
	return c == 0x11b || c == 0x11a || c == 0x159 || c == 0x158 || c == 0x16f || c == 0x16e ||
		c == 0x10f || c == 0x10e || c == 0x165 || c == 0x164 || c == 0x148 || c == 0x147 ||
		c == 0x107 || c == 0x106 || c == 0x111 || c == 0x110;
}

static int slovenian(unsigned c)
{
	return c == 0x10d || c == 0x10c || c == 0x161 || c == 0x160 || c == 0x17e || c == 0x17d;
}

enum sd_lang sd_lang_guess(const char *text)
{
	size_t cyrillic = 0, latin = 0, caron = 0, other = 0;
	for (const char *p = text ? text : ""; *p;) {
		size_t len;
		unsigned c = sd_utf8_next(p, &len);
		p += len;
		if (c >= 0x400 && c <= 0x4ff)
			cyrillic++;
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			latin++;
		else if (slovenian(c))
			caron++;
		else if (not_slovenian(c))
			other++;
	}
	/* Quoted English around a Russian question, or a Latin product
	 * name inside it, leaves the Cyrillic letters the larger part. */
	if (cyrillic && cyrillic >= latin)
		return SD_LANG_RU;
	if (caron && !other)
		return SD_LANG_SL;
	return SD_LANG_EN;
}

static const char *const msgs[SD_NLANGS][SD_NMSGS] = {
	[SD_LANG_EN] = {
		[SD_MSG_DROP_INTRO] = "Your message was added to the ticket, but not all of its files were kept:",
		[SD_MSG_DROP_ASK] = "Please send them another way (a link, or smaller files).",
		[SD_MSG_FOOTER] = "Ticket %s. Answer this message to add to it.",
		[SD_MSG_STATUS] = "Status",
		[SD_MSG_NOT_KEPT] = "These files of your message were not kept:",
		[SD_MSG_AUTO_REPLY] =
			"Hello,\n"
			"\n"
			"we received your request \"{{title}}\" and opened ticket {{short_id}} for it.\n"
			"\n"
			"We will answer by {{due}}.\n"
			"\n"
			"Follow it here: {{status_link}}\n"
			"\n"
			"To add to the request, answer this message and keep the ticket number\n"
			"in the subject. This message was sent automatically.\n",
	},
	[SD_LANG_RU] = {
		[SD_MSG_DROP_INTRO] = "Ваше письмо добавлено к заявке, но не все его файлы сохранены:",
		[SD_MSG_DROP_ASK] = "Пожалуйста, пришлите их иначе (ссылкой или файлами поменьше).",
		[SD_MSG_FOOTER] = "Заявка %s. Чтобы дополнить её, ответьте на это письмо.",
		[SD_MSG_STATUS] = "Статус",
		[SD_MSG_NOT_KEPT] = "Эти файлы из вашего письма не сохранены:",
		[SD_MSG_AUTO_REPLY] =
			"Здравствуйте!\n"
			"\n"
			"Мы получили ваше обращение «{{title}}» и зарегистрировали его как заявку {{short_id}}.\n"
			"\n"
			"Мы ответим до: {{due}}.\n"
			"\n"
			"Следить за заявкой: {{status_link}}\n"
			"\n"
			"Чтобы дополнить заявку, ответьте на это письмо, сохранив номер заявки\n"
			"в теме. Это письмо отправлено автоматически.\n",
	},
	[SD_LANG_SL] = {
		[SD_MSG_DROP_INTRO] = "Vaše sporočilo smo dodali k zahtevku, vseh njegovih datotek pa nismo shranili:",
		[SD_MSG_DROP_ASK] = "Prosimo, pošljite jih drugače (kot povezavo ali manjše datoteke).",
		[SD_MSG_FOOTER] = "Zahtevek %s. Če želite kaj dodati, odgovorite na to sporočilo.",
		[SD_MSG_STATUS] = "Stanje",
		[SD_MSG_NOT_KEPT] = "Teh datotek iz vašega sporočila nismo shranili:",
		[SD_MSG_AUTO_REPLY] =
			"Pozdravljeni,\n"
			"\n"
			"prejeli smo vašo zahtevo »{{title}}« in zanjo odprli zahtevek {{short_id}}.\n"
			"\n"
			"Odgovorili bomo do: {{due}}.\n"
			"\n"
			"Stanje zahtevka: {{status_link}}\n"
			"\n"
			"Če želite zahtevi kaj dodati, odgovorite na to sporočilo in v zadevi\n"
			"pustite številko zahtevka. To sporočilo je bilo poslano samodejno.\n",
	},
};

const char *sd_lang_msg(enum sd_lang lang, enum sd_lang_msg msg)
{
	return msgs[lang < SD_NLANGS ? lang : SD_LANG_EN][msg];
}

void sd_lang_time_in_words(char out[128], enum sd_lang lang, sd_time t, const char *zone)
{
	/* Monday first; months as a date says them (genitive in Russian
	 * and Slovenian). */
	static const char *const days[SD_NLANGS][7] = {
		{ "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" },
		{ "понедельник", "вторник", "среда", "четверг", "пятница", "суббота",
		  "воскресенье" },
		{ "ponedeljek", "torek", "sreda", "četrtek", "petek", "sobota", "nedelja" },
	};
	static const char *const months[SD_NLANGS][12] = {
		{ "January", "February", "March", "April", "May", "June", "July", "August",
		  "September", "October", "November", "December" },
		{ "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
		  "сентября", "октября", "ноября", "декабря" },
		{ "januarja", "februarja", "marca", "aprila", "maja", "junija", "julija", "avgusta",
		  "septembra", "oktobra", "novembra", "decembra" },
	};
	/* "2026-12-08 10:00 CET", the clock in the zone, parsed back. */
	char local[48], abbr[16] = "UTC";
	int y = 0, mo = 1, d = 1, h = 0, mi = 0;
	sd_time_format_in_zone(local, t, zone && *zone ? zone : "UTC", 0);
	if (sscanf(local, "%d-%d-%d %d:%d %15s", &y, &mo, &d, &h, &mi, abbr) < 5)
		y = 1970;
	if (mo < 1 || mo > 12)
		mo = 1;
	/* Day of the week of the local date (Monday 0), from days since
	 * 1970-01-01, a Thursday. */
	int yy = mo <= 2 ? y - 1 : y;
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	int yoe = yy - era * 400;
	int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long days_since =
		(long)era * 146097 + (long)(yoe * 365 + yoe / 4 - yoe / 100 + doy) - 719468;
	int wd = (int)(((days_since + 3) % 7 + 7) % 7);
	enum sd_lang l = lang < SD_NLANGS ? lang : SD_LANG_EN;
	if (l == SD_LANG_RU)
		snprintf(out, 128, "%s, %d %s %d г., %02d:%02d %s", days[l][wd], d,
			 months[l][mo - 1], y, h, mi, abbr);
	else if (l == SD_LANG_SL)
		snprintf(out, 128, "%s, %d. %s %d, ob %02d:%02d %s", days[l][wd], d,
			 months[l][mo - 1], y, h, mi, abbr);
	else
		snprintf(out, 128, "%s, %d %s %d, %02d:%02d %s", days[l][wd], d, months[l][mo - 1],
			 y, h, mi, abbr);
}
