/* SPDX-License-Identifier: MIT */
#ifndef SD_MDTERM_H
#define SD_MDTERM_H

/*
 * Markdown rendered for a terminal, from cmark's tree: headings, emphasis,
 * lists, block quotes, code, links, wrapped to a width by display width.
 *
 * The text is a requester's, so the output is inert whatever it holds:
 * every piece of text from the source (words, code, link text and URLs
 * shown after it) goes through sd_text_inert, so ESC, C1 controls,
 * bidirectional overrides and invalid UTF-8 become visible escapes
 * (\x1b, \u009b). The only escape sequences in the output are sd's own:
 * SGR colour ("\033[...m") when opt->color, and OSC 8 hyperlinks
 * ("\033]8;;URL\033\\") when opt->hyperlinks, whose URL holds only
 * printable ASCII (anything else is percent-encoded) and is one of
 * http, https or mailto; any other link is shown as "text (URL)". Raw
 * HTML is shown as the text it is, never interpreted.
 *
 * Without colour, emphasis keeps its markers (*word*, **word**, `code`)
 * so the structure still shows.
 *
 * Ownership: the caller owns out; nothing is kept between calls.
 */

#include <stddef.h>

#include "sd/buf.h"

struct sd_mdterm_options {
	size_t width;	/* wrap lines to this many columns; 0: never wrap */
	size_t indent;	/* columns of blanks before every line (sd show: 4) */
	int color;	/* bold, italic, underline and colour by SGR */
	int hyperlinks; /* links as OSC 8 hyperlinks */
};

/* Appends markdown[0..len) rendered to out, every line ended by '\n'. */
void sd_mdterm_render(struct sd_buf *out, const char *markdown, size_t len,
		      const struct sd_mdterm_options *opt);

/* 1 when the terminal sd runs in is known to show OSC 8 hyperlinks, by
 * the environment it sets: TERM_PROGRAM iTerm.app, WezTerm, vscode,
 * ghostty or Hyper; VTE_VERSION 5000 or later (GNOME Terminal, Tilix);
 * KONSOLE_VERSION; WT_SESSION (Windows Terminal); TERM xterm-kitty,
 * foot, alacritty, wezterm or xterm-ghostty. Not inside screen or tmux
 * (TERM screen*, tmux* or TMUX set), which may not pass them on, nor with
 * TERM dumb. Others get "text (URL)", which every terminal shows. */
int sd_mdterm_hyperlinks_supported(void);

#endif
