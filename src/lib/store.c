/* SPDX-License-Identifier: MIT */
/* The ticket store: finding it, reading tickets, committing changes. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sd/index.h"
#include "sd/pack.h"
#include "sd/path.h"
#include "sd/sha1.h"
#include "sd/lang.h"
#include "sd/outbox.h"
#include "sd/store.h"
#include "sd/text.h"

#define TICKETS_DIR "tickets"
/* A ticket being written is "ID.md" TMP_SUFFIX "PID" until renamed. */
#define TMP_SUFFIX ".sd-tmp-"
#define LOCK_WAIT_MS 10000

struct sd_store {
	git_repository *repo;
	char *root; /* work tree, with trailing '/' */
	struct sd_config config;
	char *author_name, *author_email, *author_full;
	int lock_depth;
	int lock_fd;
	char *lock_path;
	sd_error *config_error;
	/* A scan found tickets/ and its shards plain directories, so reads
	 * of the files it listed need not check them again, one lstat per
	 * directory per ticket on a cold start. */
	int dirs_checked;
	sd_error *warning;		/* see sd_store_take_warning */
	int terminal;			/* see sd_store_set_terminal */
	sd_store_progress_fn *progress; /* see sd_store_set_progress */
	void *progress_arg;
	struct store_batch *batch; /* see sd_store_batch_begin; NULL: none */
};

/* A path a run of commits changed since its last checkpoint: its blob now,
 * and what the work tree held at the checkpoint (for the journal). */
struct batch_path {
	char *path;
	git_oid id, old;
};

/* A run of commits (see sd_store_batch_begin). */
struct store_batch {
	struct sd_pack_writer *pack; /* this stretch's objects; NULL: none yet */
	struct sd_pack_tree *tree;   /* the last commit's tree */
	git_oid base;		     /* the branch at the last checkpoint */
	int born;		     /* base is set (the branch exists) */
	git_oid tip;		     /* the last commit */
	size_t commits;		     /* made since the last checkpoint */
	char *last_subject;	     /* of the last commit, for the reflog */
	struct batch_path *paths;
	size_t npaths, alloc;
	size_t *slots, nslots; /* index + 1 into paths, by path */
};

/* The tracked config, then the clone's own over it. The local file is
 * read even when the tracked one is invalid, so that sd check still
 * knows which commands this clone set itself. */
static sd_error *read_config(struct sd_store *s)
{
	struct sd_buf path = SD_BUF_INIT, text = SD_BUF_INIT;
	sd_buf_printf(&path, "%s%s", s->root, SD_CONFIG_PATH);
	sd_error *err = sd_buf_read_file(&text, path.data, 1u << 20);
	if (!err)
		err = sd_config_parse(&s->config, text.data, text.len, SD_CONFIG_PATH);
	sd_buf_reset(&path);
	sd_buf_reset(&text);
	sd_store_private_path(s, SD_LOCAL_CONFIG_NAME, &path);
	struct stat st;
	if (lstat(path.data, &st) == 0) {
		/* Errors name it as a user would find it from the work tree. */
		const char *label = sd_starts_with(path.data, s->root) ? path.data + strlen(s->root)
								       : path.data;
		sd_error *local = sd_buf_read_file(&text, path.data, 1u << 20);
		if (!local)
			local = sd_config_parse_local(&s->config, text.data, text.len, label);
		if (local && !err)
			err = local;
		else
			sd_error_free(local);
	}
	sd_buf_release(&path);
	sd_buf_release(&text);
	return err;
}

static int file_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static sd_error *open_repo_at(struct sd_store **out, git_repository *repo)
{
	const char *workdir = git_repository_workdir(repo);
	if (!workdir) {
		git_repository_free(repo);
		return sd_error_invalid("the repository is bare; sd needs a work tree "
					"(clone it, then run sd there)");
	}
	struct sd_store *s = sd_xcalloc(1, sizeof(*s));
	s->repo = repo;
	s->root = sd_xstrdup(workdir);
	sd_config_init(&s->config);
	*out = s;
	return NULL;
}

sd_error *sd_store_open(struct sd_store **out, const char *dir, unsigned flags)
{
	git_repository *repo = NULL;
	*out = NULL;
	int rc = git_repository_open_ext(&repo, dir, 0, NULL);
	if (rc == GIT_ENOTFOUND)
		return sd_error_invalid("not an sd store (or any parent up to /): %s; "
					"create one with 'sd init' or point at one with -C DIR",
					dir);
	if (rc < 0)
		return sd_error_git("cannot open the repository");
	struct sd_store *s;
	sd_error *err = open_repo_at(&s, repo);
	if (err)
		return err;
	struct sd_buf cfg = SD_BUF_INIT;
	sd_buf_printf(&cfg, "%s%s", s->root, SD_CONFIG_PATH);
	int exists = file_exists(cfg.data);
	sd_buf_release(&cfg);
	if (!exists) {
		err = sd_error_invalid("%s is a git repository but not an sd store; "
				       "run 'sd init' there to make it one",
				       s->root);
		sd_store_free(s);
		return err;
	}
	/* A fresh clone has the attributes but not the driver, which lives
	 * in the repository's own config: register it on first use. */
	/* Not fatal: a read-only clone can still be read. */
	sd_error_free(sd_store_register_merge(s));
	if ((err = read_config(s))) {
		if (!(flags & SD_STORE_LENIENT)) {
			sd_store_free(s);
			return err;
		}
		s->config_error = err;
	}
	*out = s;
	return NULL;
}

void sd_store_free(struct sd_store *s)
{
	if (!s)
		return;
	if (s->batch) {
		/* Not flushed: the next sd's journal puts its files back. */
		sd_pack_free(s->batch->pack);
		s->batch->pack = NULL;
		s->batch->commits = 0;
		sd_error_free(sd_store_batch_end(s));
	}
	while (s->lock_depth > 0)
		sd_store_unlock(s);
	git_repository_free(s->repo);
	free(s->root);
	sd_config_release(&s->config);
	free(s->author_name);
	free(s->author_email);
	free(s->author_full);
	free(s->lock_path);
	sd_error_free(s->config_error);
	free(s);
}

const char *sd_store_root(const struct sd_store *s)
{
	return s->root;
}

git_repository *sd_store_repo(struct sd_store *s)
{
	return s->repo;
}

const sd_error *sd_store_config_error(const struct sd_store *s)
{
	return s->config_error;
}

struct sd_config *sd_store_config(struct sd_store *s)
{
	return &s->config;
}

static sd_error *mkdir_p(const char *path)
{
	/* Usually the directory, or all but its last parts, is there: one
	 * system call, or one per missing part from the deepest that exists
	 * (a new ticket's files/ makes two), not one per part from /. */
	if (mkdir(path, 0777) == 0 || errno == EEXIST)
		return NULL;
	if (errno != ENOENT)
		return sd_error_errno(path);
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return sd_error_errno(path);
	char *parent = sd_xstrndup(path, (size_t)(slash - path));
	sd_error *err = mkdir_p(parent);
	free(parent);
	if (!err && mkdir(path, 0777) < 0 && errno != EEXIST)
		err = sd_error_errno(path);
	return err;
}

sd_error *sd_store_init(const char *dir, int *created, char **root)
{
	git_repository *repo = NULL;
	struct sd_store *s = NULL;
	sd_error *err = NULL;
	struct sd_buf path = SD_BUF_INIT;

	*created = 0;
	*root = NULL;
	int existed = file_exists(dir);
	if ((err = mkdir_p(dir)))
		return err;
	/* An existing directory inside a repository (or a store) makes that
	 * repository the store, so 'sd init' from a subdirectory does what
	 * the user means; a directory sd had to create gets its own. */
	int rc = git_repository_open_ext(&repo, dir, existed ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH,
					 NULL);
	if (rc == GIT_ENOTFOUND)
		rc = git_repository_init(&repo, dir, 0);
	if (rc < 0)
		return sd_error_git(dir);
	if ((err = open_repo_at(&s, repo)))
		return err;
	*root = sd_xstrdup(s->root);

	sd_buf_printf(&path, "%s%s", s->root, SD_CONFIG_PATH);
	if (file_exists(path.data))
		goto done;
	const char keep[] = "";
	/* The user's own .gitattributes keeps its lines; ours is added. */
	struct sd_buf attributes = SD_BUF_INIT, attr_path = SD_BUF_INIT;
	sd_buf_printf(&attr_path, "%s.gitattributes", s->root);
	struct stat st;
	if (lstat(attr_path.data, &st) == 0 && S_ISREG(st.st_mode) &&
	    (err = sd_buf_read_file(&attributes, attr_path.data, 1u << 20))) {
		sd_buf_release(&attr_path);
		goto done;
	}
	sd_buf_release(&attr_path);
	if (!strstr(attributes.data, SD_MERGE_ATTRIBUTE)) {
		if (attributes.len && attributes.data[attributes.len - 1] != '\n')
			sd_buf_addch(&attributes, '\n');
		sd_buf_adds(&attributes,
			    "# Tickets merge by their meaning, not line by line: see sd-merge-file(1).\n" SD_MERGE_ATTRIBUTE
			    "\n");
	}
	struct sd_change changes[] = {
		{ SD_CONFIG_PATH, sd_config_default_text, strlen(sd_config_default_text) },
		{ TICKETS_DIR "/.gitkeep", keep, 0 },
		{ ".gitattributes", attributes.data, attributes.len },
		/* The desk's to change: a template is data, filled by sd. */
		{ SD_OUTBOX_TEMPLATE_PATH, sd_lang_msg(SD_LANG_EN, SD_MSG_AUTO_REPLY),
		  strlen(sd_lang_msg(SD_LANG_EN, SD_MSG_AUTO_REPLY)) },
		{ ".sd/templates/auto-reply.ru.md", sd_lang_msg(SD_LANG_RU, SD_MSG_AUTO_REPLY),
		  strlen(sd_lang_msg(SD_LANG_RU, SD_MSG_AUTO_REPLY)) },
		{ ".sd/templates/auto-reply.sl.md", sd_lang_msg(SD_LANG_SL, SD_MSG_AUTO_REPLY),
		  strlen(sd_lang_msg(SD_LANG_SL, SD_MSG_AUTO_REPLY)) },
	};
	err = sd_store_commit(s, changes, sizeof(changes) / sizeof(*changes),
			      "sd: init\n\nCreate the ticket store.\n");
	sd_buf_release(&attributes);
	if (err || (err = sd_store_register_merge(s)))
		goto done;
	*created = 1;
done:
	sd_buf_release(&path);
	sd_store_free(s);
	return err;
}

/* ---- the merge driver ---- */

/* The command git runs for a ticket conflict: this very binary, by its
 * absolute path (the config is the clone's own), quoted for sh. */
static void driver_command(struct sd_buf *out)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	sd_buf_addch(out, '\'');
	if (n > 0) {
		self[n] = '\0';
		for (const char *p = self; *p; p++)
			if (*p == '\'')
				sd_buf_adds(out, "'\\''");
			else
				sd_buf_addch(out, *p);
	} else {
		sd_buf_adds(out, "sd");
	}
	sd_buf_adds(out, "' merge-file %O %A %B %P");
}

/* The path of the binary a registered driver runs, or "" if not one of ours. */
static int driver_usable(const char *driver)
{
	if (!sd_starts_with(driver, "'"))
		return 0;
	const char *end = strstr(driver, "' merge-file ");
	if (!end)
		return 0;
	char *path = sd_xstrndup(driver + 1, (size_t)(end - driver - 1));
	int ok = strstr(path, "'") == NULL && access(path, X_OK) == 0;
	free(path);
	return ok;
}

sd_error *sd_store_register_merge(struct sd_store *s)
{
	git_config *cfg = NULL, *local = NULL;
	git_buf current = { 0 };
	sd_error *err = NULL;
	if (git_repository_config(&cfg, s->repo) < 0)
		return sd_error_git("cannot read git config");
	int have = git_config_get_string_buf(&current, cfg, "merge.sd.driver") == 0;
	if (!have || !driver_usable(current.ptr)) {
		struct sd_buf cmd = SD_BUF_INIT;
		driver_command(&cmd);
		if (git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL) < 0 ||
		    git_config_set_string(local, "merge.sd.name", "sd ticket merge") < 0 ||
		    git_config_set_string(local, "merge.sd.driver", cmd.data) < 0)
			err = sd_error_git(
				"cannot register the ticket merge driver in .git/config");
		sd_buf_release(&cmd);
	}
	git_buf_dispose(&current);
	git_config_free(local);
	git_config_free(cfg);
	return err;
}

/* ---- the acting user ---- */

/* An identity is written "Name <email>" into every entry, and readers
 * (the SLA clocks among them) take the address from between the angle
 * brackets: a second <...> part, or a bracket inside the name, would let
 * one identity pass for another's address. */
static int has_angle(const char *s)
{
	return strpbrk(s, "<>") != NULL;
}

static sd_error *parse_author(struct sd_store *s, const char *full)
{
	const char *lt = strrchr(full, '<'), *gt = strrchr(full, '>');
	if (!lt || !gt || gt < lt || gt[1] != '\0' || lt == full || lt[-1] != ' ' || gt == lt + 1 ||
	    sd_text_has_control(full))
		return sd_error_invalid("SD_AUTHOR='%.80s' is not \"Name <email>\"", full);
	if (memchr(full, '<', (size_t)(lt - full)) || memchr(full, '>', (size_t)(lt - full)))
		return sd_error_invalid("SD_AUTHOR='%.80s' has more than one '<' or '>'; give one "
					"name and one address, as SD_AUTHOR=\"Name <email>\"",
					full);
	s->author_name = sd_xstrndup(full, (size_t)(lt - 1 - full));
	s->author_email = sd_xstrndup(lt + 1, (size_t)(gt - lt - 1));
	return NULL;
}

sd_error *sd_store_author(struct sd_store *s, const char **name, const char **email,
			  const char **full)
{
	if (!s->author_full) {
		const char *env = getenv("SD_AUTHOR");
		sd_error *err = NULL;
		if (env && *env) {
			err = parse_author(s, env);
		} else {
			git_config *cfg = NULL;
			git_buf n = { 0 }, e = { 0 };
			if (git_repository_config_snapshot(&cfg, s->repo) < 0)
				return sd_error_git("cannot read git config");
			if (git_config_get_string_buf(&n, cfg, "user.name") < 0 ||
			    git_config_get_string_buf(&e, cfg, "user.email") < 0 || !*n.ptr ||
			    !*e.ptr)
				err = sd_error_invalid(
					"who are you? Set SD_AUTHOR=\"Name <email>\", or run "
					"git config user.name \"Your Name\" and git config user.email you@example.com");
			else if (sd_text_has_control(n.ptr) || sd_text_has_control(e.ptr))
				err = sd_error_invalid(
					"git user.name or user.email contains control characters");
			else if (has_angle(n.ptr) || has_angle(e.ptr))
				err = sd_error_invalid(
					"git user.name or user.email contains '<' or '>' ('%.60s <%.60s>'); "
					"run git config user.name \"Your Name\" and git config user.email "
					"you@example.com, or set SD_AUTHOR=\"Name <email>\"",
					n.ptr, e.ptr);
			else {
				s->author_name = sd_xstrdup(n.ptr);
				s->author_email = sd_xstrdup(e.ptr);
			}
			git_buf_dispose(&n);
			git_buf_dispose(&e);
			git_config_free(cfg);
		}
		if (err)
			return err;
		struct sd_buf b = SD_BUF_INIT;
		sd_buf_printf(&b, "%s <%s>", s->author_name, s->author_email);
		s->author_full = sd_buf_detach(&b);
	}
	if (name)
		*name = s->author_name;
	if (email)
		*email = s->author_email;
	if (full)
		*full = s->author_full;
	return NULL;
}

/* ---- ids ---- */

void sd_ticket_path(struct sd_buf *out, const char *id)
{
	sd_buf_printf(out, TICKETS_DIR "/%.2s/%s.md", id, id);
}

/* The directories above a ticket file (tickets/ and tickets/XX/) must be
 * plain directories of the store: a symlink among them would make sd read
 * a file that is not in the store, or write one outside the repository. */
static sd_error *check_ticket_dirs(struct sd_store *s, const char *rel)
{
	struct sd_buf dir = SD_BUF_INIT;
	sd_error *err = NULL;
	for (const char *slash = strchr(rel, '/'); !err && slash; slash = strchr(slash + 1, '/')) {
		struct stat st;
		int len = (int)(slash - rel);
		sd_buf_reset(&dir);
		sd_buf_printf(&dir, "%s%.*s", s->root, len, rel);
		if (lstat(dir.data, &st) == 0 && !S_ISDIR(st.st_mode))
			err = sd_error_invalid(
				"%.*s is %s, not a directory; sd keeps tickets only in "
				"plain directories inside the store, so replace it with one",
				len, rel, S_ISLNK(st.st_mode) ? "a symlink" : "a file");
	}
	sd_buf_release(&dir);
	return err;
}

/* Adds the ids of the tickets in one shard directory. */
static sd_error *scan_shard(struct sd_store *s, const char *shard, struct sd_strvec *out)
{
	struct sd_buf dir = SD_BUF_INIT;
	sd_buf_printf(&dir, "%s" TICKETS_DIR "/%s", s->root, shard);
	DIR *d = opendir(dir.data);
	sd_error *err = NULL;
	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			err = sd_error_errno(dir.data);
		sd_buf_release(&dir);
		return err;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n != SD_ID_LEN + 3 || strcmp(de->d_name + SD_ID_LEN, ".md") ||
		    strncmp(de->d_name, shard, 2))
			continue;
		char id[SD_ID_LEN + 1];
		memcpy(id, de->d_name, SD_ID_LEN);
		id[SD_ID_LEN] = '\0';
		if (sd_id_valid(id))
			sd_strvec_push(out, id);
	}
	closedir(d);
	sd_buf_release(&dir);
	return NULL;
}

static int shard_name_valid(const char *name)
{
	return strlen(name) == 2 && strchr(SD_ID_ALPHABET, name[0]) &&
		strchr(SD_ID_ALPHABET, name[1]);
}

/* ---- scanning ticket files with their stat data ---- */

struct shard_scan {
	char name[3];
	struct sd_ticket_file *files;
	size_t n, alloc;
	int error; /* errno of a failure other than a vanished shard */
};

static int cmp_ticket_files(const void *a, const void *b)
{
	return strcmp(((const struct sd_ticket_file *)a)->id,
		      ((const struct sd_ticket_file *)b)->id);
}

/* Whether process pid has ended: the owner of a lock, temporary file or
 * undo link named by its pid, which a kill left behind. */
static int process_gone(long pid)
{
	return pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* "ID.md.sd-tmp-PID" of an sd that is no longer running: what a kill
 * between writing a ticket's temporary file and renaming it leaves. */
static int is_stale_temporary(const char *name)
{
	const char *tag = strstr(name, ".md" TMP_SUFFIX);
	if (!tag || tag - name != SD_ID_LEN)
		return 0;
	const char *digits = tag + 3 + strlen(TMP_SUFFIX);
	char *end;
	long pid = strtol(digits, &end, 10);
	return *digits && !*end && process_gone(pid);
}

static void scan_one_shard(int tickets_fd, struct shard_scan *sh)
{
	int fd = openat(tickets_fd, sh->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
			sh->error = errno;
		return;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		sh->error = errno;
		close(fd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (is_stale_temporary(de->d_name)) {
			unlinkat(fd, de->d_name, 0);
			continue;
		}
		if (strlen(de->d_name) != SD_ID_LEN + 3 || strcmp(de->d_name + SD_ID_LEN, ".md") ||
		    strncmp(de->d_name, sh->name, 2))
			continue;
		struct sd_ticket_file f = { .regular = 0 };
		memcpy(f.id, de->d_name, SD_ID_LEN);
		f.id[SD_ID_LEN] = '\0';
		if (!sd_id_valid(f.id))
			continue;
		struct stat st;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue; /* removed while we looked */
			memset(&st, 0, sizeof(st));
		}
		f.regular = S_ISREG(st.st_mode);
		f.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		f.ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
		f.size = (int64_t)st.st_size;
		f.ino = (uint64_t)st.st_ino;
		if (sh->n == sh->alloc) {
			sh->alloc = sh->alloc ? sh->alloc * 2 : 64;
			sh->files = sd_xrealloc(sh->files, sh->alloc * sizeof(*sh->files));
		}
		sh->files[sh->n++] = f;
	}
	closedir(d);
	if (sh->n > 1)
		qsort(sh->files, sh->n, sizeof(*sh->files), cmp_ticket_files);
}

struct scan_job {
	int tickets_fd;
	struct shard_scan *shards;
};

static void scan_worker(void *arg, size_t i, int slot)
{
	struct scan_job *job = arg;
	(void)slot;
	scan_one_shard(job->tickets_fd, &job->shards[i]);
}

static int cmp_shards(const void *a, const void *b)
{
	return strcmp(((const struct shard_scan *)a)->name, ((const struct shard_scan *)b)->name);
}

/* lstat costs a system call per ticket, which dominates a warm `sd list`
 * of a large store, so the shards are shared between threads. */
#define SCAN_SHARDS_PER_THREAD 32

sd_error *sd_store_scan(struct sd_store *s, struct sd_ticket_file **out, size_t *n)
{
	struct sd_buf dir = SD_BUF_INIT;
	struct shard_scan *shards = NULL;
	size_t nshards = 0, alloc = 0, total = 0;
	sd_error *err = NULL;
	*out = NULL;
	*n = 0;
	sd_buf_printf(&dir, "%s" TICKETS_DIR, s->root);
	int fd = open(dir.data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			err = check_ticket_dirs(s, TICKETS_DIR "/");
		else if (errno != ENOENT)
			err = sd_error_errno(dir.data);
		sd_buf_release(&dir);
		return err;
	}
	DIR *d = fdopendir(fcntl(fd, F_DUPFD_CLOEXEC, 0));
	if (!d) {
		err = sd_error_errno(dir.data);
		close(fd);
		sd_buf_release(&dir);
		return err;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!shard_name_valid(de->d_name))
			continue;
		if (nshards == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			shards = sd_xrealloc(shards, alloc * sizeof(*shards));
		}
		memset(&shards[nshards], 0, sizeof(*shards));
		memcpy(shards[nshards++].name, de->d_name, 3);
	}
	closedir(d);
	if (nshards > 1)
		qsort(shards, nshards, sizeof(*shards), cmp_shards);

	struct scan_job job = { fd, shards };
	sd_parallel_for(nshards, SCAN_SHARDS_PER_THREAD, scan_worker, &job);
	close(fd);

	for (size_t i = 0; i < nshards; i++) {
		if (shards[i].error && !err) {
			sd_buf_printf(&dir, "/%s", shards[i].name);
			errno = shards[i].error;
			err = sd_error_errno(dir.data);
		}
		total += shards[i].n;
	}
	if (!err) {
		*out = sd_xcalloc(total ? total : 1, sizeof(**out));
		for (size_t i = 0; i < nshards; i++) {
			if (shards[i].n)
				memcpy(*out + *n, shards[i].files, shards[i].n * sizeof(**out));
			*n += shards[i].n;
		}
		s->dirs_checked = 1;
	}
	for (size_t i = 0; i < nshards; i++)
		free(shards[i].files);
	free(shards);
	sd_buf_release(&dir);
	return err;
}

void sd_store_warn(struct sd_store *s, sd_error *warning)
{
	if (s->warning)
		sd_error_free(warning); /* the first says enough */
	else
		s->warning = warning;
}

sd_error *sd_store_take_warning(struct sd_store *s)
{
	sd_error *w = s ? s->warning : NULL;
	if (s)
		s->warning = NULL;
	return w;
}

void sd_store_private_path(struct sd_store *s, const char *name, struct sd_buf *out)
{
	sd_buf_printf(out, "%ssd", git_repository_path(s->repo));
	mkdir(out->data, 0700);
	sd_buf_printf(out, "/%s", name);
}

sd_error *sd_store_list_ids(struct sd_store *s, struct sd_strvec *out)
{
	struct sd_buf dir = SD_BUF_INIT;
	sd_buf_printf(&dir, "%s" TICKETS_DIR, s->root);
	DIR *d = opendir(dir.data);
	sd_error *err = NULL;
	if (!d) {
		if (errno != ENOENT)
			err = sd_error_errno(dir.data);
		sd_buf_release(&dir);
		return err;
	}
	struct dirent *de;
	while (!err && (de = readdir(d)))
		if (shard_name_valid(de->d_name))
			err = scan_shard(s, de->d_name, out);
	closedir(d);
	sd_buf_release(&dir);
	sd_strvec_sort(out);
	return err;
}

static sd_error *ids_with_prefix(struct sd_store *s, const char *prefix, struct sd_strvec *out)
{
	struct sd_strvec all = SD_STRVEC_INIT;
	sd_error *err;
	if (strlen(prefix) >= 2) {
		char shard[3] = { prefix[0], prefix[1], '\0' };
		err = scan_shard(s, shard, &all);
		sd_strvec_sort(&all);
	} else {
		err = sd_store_list_ids(s, &all);
	}
	for (size_t i = 0; !err && i < all.n; i++)
		if (sd_starts_with(all.v[i], prefix))
			sd_strvec_push(out, all.v[i]);
	sd_strvec_clear(&all);
	return err;
}

void sd_store_set_terminal(struct sd_store *s, int terminal)
{
	s->terminal = terminal;
}

void sd_store_set_progress(struct sd_store *s, sd_store_progress_fn *fn, void *arg)
{
	s->progress = fn;
	s->progress_arg = arg;
}

int sd_store_progress_on(const struct sd_store *s)
{
	return s && s->progress;
}

void sd_store_progress(struct sd_store *s, const char *what, uint64_t done, uint64_t total)
{
	if (s && s->progress)
		s->progress(s->progress_arg, what, done, total);
}

/* Titles are requesters' text, and an error message may travel further
 * than the screen of the person who typed the prefix: a mail gateway or
 * a web form may pass it back to whoever sent an id. Only a person at a
 * terminal, in a store of their own, sees them beside the candidates. */
static int titles_in_errors(const struct sd_store *s)
{
	struct stat st;
	return s->terminal && stat(s->root, &st) == 0 && st.st_uid == geteuid();
}

sd_error *sd_store_resolve(struct sd_store *s, char out[SD_ID_LEN + 1], const char *arg)
{
	char prefix[SD_ID_LEN + 1];
	struct sd_strvec matches = SD_STRVEC_INIT;
	sd_error *err = sd_id_normalize_prefix(prefix, arg);
	if (err)
		return err;
	if ((err = ids_with_prefix(s, prefix, &matches)))
		goto done;
	if (matches.n == 1) {
		memcpy(out, matches.v[0], SD_ID_LEN + 1);
		goto done;
	}
	if (matches.n == 0) {
		err = sd_error_invalid("no ticket matches '%s'; see 'sd list --all'", prefix);
		goto done;
	}
	struct sd_buf msg = SD_BUF_INIT;
	sd_buf_printf(&msg, "ticket id '%s' is ambiguous; candidates:", prefix);
	int titles = titles_in_errors(s);
	for (size_t i = 0; i < matches.n && i < 20; i++) {
		struct sd_ticket t;
		sd_buf_printf(&msg, "\n  %s", matches.v[i]);
		if (!titles)
			continue;
		sd_error *e = sd_store_read(s, matches.v[i], &t, NULL);
		if (!e) {
			sd_buf_adds(&msg, "  ");
			sd_text_inert(&msg, sd_ticket_get(&t, SD_F_TITLE),
				      strlen(sd_ticket_get(&t, SD_F_TITLE)), 0);
		}
		sd_error_free(e);
		sd_ticket_free(&t);
	}
	if (matches.n > 20)
		sd_buf_printf(&msg, "\n  ... and %zu more", matches.n - 20);
	err = sd_error_invalid("%s", msg.data);
	sd_buf_release(&msg);
done:
	sd_strvec_clear(&matches);
	return err;
}

void sd_store_short_id(char out[SD_ID_LEN + 1], const char *id, const struct sd_strvec *ids)
{
	/* In a sorted list only the neighbours can share a longer prefix. */
	size_t lo = 0, hi = ids->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ids->v[mid], id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	char *near[3];
	size_t n = 0;
	if (lo > 0)
		near[n++] = ids->v[lo - 1];
	if (lo < ids->n)
		near[n++] = ids->v[lo];
	if (lo + 1 < ids->n)
		near[n++] = ids->v[lo + 1];
	size_t len = sd_id_unique_len(id, near, n);
	memcpy(out, id, len);
	out[len] = '\0';
}

sd_error *sd_store_short_id_for(struct sd_store *s, char out[SD_ID_LEN + 1], const char *id)
{
	struct sd_strvec ids = SD_STRVEC_INIT;
	char shard[3] = { id[0], id[1], '\0' };
	sd_error *err = scan_shard(s, shard, &ids);
	if (!err) {
		sd_strvec_sort(&ids);
		sd_store_short_id(out, id, &ids);
	}
	sd_strvec_clear(&ids);
	return err;
}

/* ---- reading ---- */

sd_error *sd_store_read(struct sd_store *s, const char *id, struct sd_ticket *out,
			struct sd_buf *raw)
{
	struct sd_buf rel = SD_BUF_INIT, abs = SD_BUF_INIT, text = SD_BUF_INIT;
	sd_error *err = NULL;
	struct stat st;

	sd_ticket_init(out);
	sd_ticket_path(&rel, id);
	sd_buf_printf(&abs, "%s%s", s->root, rel.data);
	if (!s->dirs_checked && (err = check_ticket_dirs(s, rel.data)))
		goto done;
	/* One open, one fstat and one read: listing a large store cold does
	 * this for every ticket, and each system call counts. */
	int fd = open(abs.data, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			err = sd_error_invalid("no ticket %s (%s is missing)", id, rel.data);
		else if (errno == ELOOP)
			err = sd_error_invalid("%s:1: not a regular file (a symlink?); sd reads only "
					       "plain files inside the store",
					       rel.data);
		else
			err = sd_error_errno(rel.data);
		goto done;
	}
	if (fstat(fd, &st) < 0) {
		err = sd_error_errno(rel.data);
	} else if (!S_ISREG(st.st_mode)) {
		err = sd_error_invalid("%s:1: not a regular file (a symlink?); sd reads only "
				       "plain files inside the store",
				       rel.data);
	} else if (st.st_size > (off_t)SD_TICKET_READ_MAX_BYTES) {
		err = sd_error_invalid("%s:1: file is %lld bytes, more than the read limit of %u",
				       rel.data, (long long)st.st_size, SD_TICKET_READ_MAX_BYTES);
	} else {
		/* Read one byte more than fstat said, to see a file that grew. */
		size_t want = (size_t)st.st_size + 1, got = 0;
		sd_buf_grow(&text, want);
		for (;;) {
			ssize_t r = read(fd, text.data + got, want - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				err = sd_error_errno(rel.data);
				break;
			}
			if (r == 0)
				break;
			got += (size_t)r;
			if (got == want) {
				if (got > SD_TICKET_READ_MAX_BYTES) {
					err = sd_error_invalid(
						"%s:1: file is more than the read limit of %u bytes",
						rel.data, SD_TICKET_READ_MAX_BYTES);
					break;
				}
				want += 65536;
				sd_buf_grow(&text, want - text.len);
			}
		}
		text.len = got;
		text.data[got] = '\0';
	}
	close(fd);
	if (err)
		goto done;
	sd_ticket_free(out);
	if ((err = sd_ticket_parse(out, text.data, text.len, rel.data)))
		goto done;
	if ((err = sd_ticket_validate(out, rel.data)))
		goto done;
	if (strcmp(sd_ticket_get(out, SD_F_ID), id))
		err = sd_error_invalid("%s:%zu: id '%s' does not match the file name", rel.data,
				       out->field_line[SD_F_ID], sd_ticket_get(out, SD_F_ID));
done:
	if (raw && !err) {
		sd_buf_release(raw);
		*raw = text;
		sd_buf_init(&text);
	}
	sd_buf_release(&rel);
	sd_buf_release(&abs);
	sd_buf_release(&text);
	return err;
}

/* ---- locking ---- */

/* The lock is the file's existence, as with git's index.lock, so a
 * person can see and remove it. Its owner also holds flock() on it for
 * its lifetime, which the kernel drops when the owner dies: a lock that
 * can be flocked and whose pid is gone is stale and may be broken. The
 * breaker holds that flock while it unlinks, and unlinks only the inode it
 * locked, so two breakers (or a breaker and a new owner) cannot both win. */
static void break_if_stale(const char *path)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		goto done; /* its owner is alive */
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		goto done; /* no pid: someone's lock by hand; leave it to them */
	buf[n] = '\0';
	char *end;
	long pid = strtol(buf, &end, 10);
	if (*end != '\n' || !process_gone(pid))
		goto done;
	struct stat held, now;
	if (fstat(fd, &held) == 0 && lstat(path, &now) == 0 && held.st_dev == now.st_dev &&
	    held.st_ino == now.st_ino)
		unlink(path);
done:
	close(fd);
}

/*
 * The commit journal (<git dir>/sd/commit-journal) closes the one window in
 * which a killed sd would leave git confused: after the commit, before the
 * index entries of its files are updated. git status would then show the
 * files staged back to their old content, and a plain git commit would undo
 * sd's change. Before committing, sd writes each path with its new blob id;
 * after updating the index it removes the journal. The next sd to take the
 * lock finds a journal left behind and finishes the job for the entries
 * HEAD really has.
 */
static void journal_path(struct sd_store *s, struct sd_buf *out)
{
	sd_store_private_path(s, "commit-journal", out);
}

/* Writes the journal's lines for paths: a new journal, or with append
 * more lines at its end. Best effort: without a journal only the repair
 * is lost, and a torn write removes it (a torn line would put back
 * nothing; a run of commits rewrites it at its next commit). */
static void journal_put(struct sd_store *s, const char *const *paths, const git_oid *ids,
			const git_oid *old_ids, size_t n, int append)
{
	struct sd_buf path = SD_BUF_INIT, text = SD_BUF_INIT;
	journal_path(s, &path);
	for (size_t i = 0; i < n; i++) {
		char hex[GIT_OID_HEXSZ + 1], old[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), &ids[i]);
		git_oid_tostr(old, sizeof(old), &old_ids[i]);
		sd_buf_printf(&text, "%s %s %s\n", hex, old, paths[i]);
	}
	int fd = open(path.data,
		      O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | O_CLOEXEC | O_NOFOLLOW,
		      0600);
	if (fd >= 0) {
		if (write(fd, text.data, text.len) != (ssize_t)text.len)
			unlink(path.data);
		close(fd);
	}
	sd_buf_release(&path);
	sd_buf_release(&text);
}

void sd_store_journal_write(struct sd_store *s, const char *const *paths, const git_oid *ids,
			    const git_oid *old_ids, size_t n)
{
	journal_put(s, paths, ids, old_ids, n, 0);
}

void sd_store_journal_remove(struct sd_store *s)
{
	struct sd_buf path = SD_BUF_INIT;
	journal_path(s, &path);
	unlink(path.data);
	sd_buf_release(&path);
}

void sd_store_finish_index(struct sd_store *s, const char *const *paths, const git_oid *ids,
			   size_t n, const char *what)
{
	sd_error *err = n ? sd_store_update_index(s, paths, ids, n) : NULL;
	if (err)
		/* Failing now would invite a retry that makes the change twice. */
		sd_store_warn(s,
			      sd_error_wrap(err,
					    "%s, but the index was not updated; the next "
					    "change made with sd updates it",
					    what));
	else
		sd_store_journal_remove(s);
}

static sd_error *write_file_atomic(const char *path, const char *data, size_t len, int replacing);

/* One line of the journal: "NEW OLD PATH", or "NEW PATH" as written by
 * sd before it could roll back (then has_old is 0). */
struct journal_line {
	git_oid id, old;
	int has_old;
	const char *path;
};

static int journal_parse(char *line, struct journal_line *out)
{
	size_t len = strlen(line);
	memset(out, 0, sizeof(*out));
	if (len <= GIT_OID_HEXSZ + 1 || line[GIT_OID_HEXSZ] != ' ' ||
	    git_oid_fromstrn(&out->id, line, GIT_OID_HEXSZ) < 0)
		return 0;
	char *rest = line + GIT_OID_HEXSZ + 1;
	if (strlen(rest) > GIT_OID_HEXSZ + 1 && rest[GIT_OID_HEXSZ] == ' ' &&
	    git_oid_fromstrn(&out->old, rest, GIT_OID_HEXSZ) == 0) {
		out->has_old = 1;
		rest += GIT_OID_HEXSZ + 1;
	}
	out->path = rest;
	/* The journal names files sd wrote and may put back; a line that
	 * names anything but a place of sd's under tickets/ is ignored. */
	return sd_starts_with(rest, TICKETS_DIR "/") &&
		!sd_path_entry_problem(rest, GIT_FILEMODE_BLOB);
}

/* Puts back a file that a killed command wrote but never committed, if it
 * still holds what that command wrote: its old content, or no file when
 * there was none. Anything else in it since is someone's edit: kept. */
static void roll_back_file(struct sd_store *s, const struct journal_line *jl)
{
	struct sd_buf abs = SD_BUF_INIT, now = SD_BUF_INIT;
	git_blob *old = NULL;
	unsigned char have[20];
	sd_buf_printf(&abs, "%s%s", s->root, jl->path);
	sd_error *err = check_ticket_dirs(s, jl->path);
	if (!err)
		err = sd_buf_read_file(&now, abs.data, SD_TICKET_READ_MAX_BYTES * 2);
	if (!err) {
		sd_git_object_id("blob", now.data, now.len, have);
		if (!memcmp(have, jl->id.id, sizeof(have))) {
			if (git_oid_is_zero(&jl->old))
				unlink(abs.data);
			else if (git_blob_lookup(&old, s->repo, &jl->old) == 0)
				sd_error_free(write_file_atomic(abs.data, git_blob_rawcontent(old),
								(size_t)git_blob_rawsize(old), 1));
		}
	}
	sd_error_free(err);
	git_blob_free(old);
	sd_buf_release(&abs);
	sd_buf_release(&now);
}

/* Finishes or undoes what a killed sd left (see the journal above): the
 * index entries of files HEAD holds are brought up to it; files written
 * for a commit that was never made are put back as they were. */
static void finish_interrupted_commit(struct sd_store *s)
{
	struct sd_buf path = SD_BUF_INIT, text = SD_BUF_INIT;
	git_commit *head = NULL;
	git_tree *tree = NULL;
	journal_path(s, &path);
	sd_error *rerr = sd_buf_read_file(&text, path.data, 64u << 20);
	if (rerr || !text.len) {
		/* Missing (the usual case) or unreadable: nothing to finish. */
		sd_error_free(rerr);
		sd_buf_release(&path);
		sd_buf_release(&text);
		return;
	}
	struct sd_strvec paths = SD_STRVEC_INIT;
	git_oid *ids = sd_xcalloc(text.len / 42 + 1, sizeof(*ids));
	size_t n = 0;
	git_oid head_id;
	/* No HEAD (a first commit killed): nothing was committed. */
	if (git_reference_name_to_id(&head_id, s->repo, "HEAD") == 0 &&
	    (git_commit_lookup(&head, s->repo, &head_id) < 0 || git_commit_tree(&tree, head) < 0)) {
		/* HEAD unreadable: leave everything for a later sd. */
		goto done;
	}
	for (char *line = text.data; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		struct journal_line jl;
		git_tree_entry *e = NULL;
		if (journal_parse(line, &jl)) {
			int committed = tree && git_tree_entry_bypath(&e, tree, jl.path) == 0 &&
				git_oid_equal(git_tree_entry_id(e), &jl.id);
			if (committed) {
				sd_strvec_push(&paths, jl.path);
				ids[n++] = jl.id;
			} else if (jl.has_old) {
				roll_back_file(s, &jl);
			}
		}
		git_tree_entry_free(e);
		line = nl ? nl + 1 : NULL;
	}
	sd_error *err = n ? sd_store_update_index(s, (const char *const *)paths.v, ids, n) : NULL;
	if (!err)
		unlink(path.data);
	sd_error_free(err);
done:
	sd_strvec_clear(&paths);
	free(ids);
	git_tree_free(tree);
	git_commit_free(head);
	sd_buf_release(&path);
	sd_buf_release(&text);
}

/* Names of undo links: "undo-PID-N". Those of an sd no longer running are
 * what a kill left; the journal has put their files back already. */
static void sweep_undo_links(struct sd_store *s)
{
	struct sd_buf dir = SD_BUF_INIT, path = SD_BUF_INIT;
	sd_store_private_path(s, "", &dir);
	DIR *d = opendir(dir.data);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, "undo-", 5))
			continue;
		char *end;
		long pid = strtol(de->d_name + 5, &end, 10);
		if (*end != '-' || !process_gone(pid))
			continue;
		sd_buf_reset(&path);
		sd_buf_printf(&path, "%s%s", dir.data, de->d_name);
		unlink(path.data);
	}
	if (d)
		closedir(d);
	sd_buf_release(&dir);
	sd_buf_release(&path);
}

sd_error *sd_store_lock(struct sd_store *s)
{
	if (s->lock_depth++ > 0)
		return NULL;
	if (!s->lock_path) {
		struct sd_buf p = SD_BUF_INIT;
		sd_buf_printf(&p, "%ssd.lock", git_repository_commondir(s->repo));
		s->lock_path = sd_buf_detach(&p);
	}
	for (int waited = 0;; waited += 20) {
		/* Close-on-exec above all: a command sd runs must never hold the
		 * lock (or its flock) after sd is gone. */
		int fd = open(s->lock_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			char pid[32];
			int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
			/* flock first, pid second: a breaker that sees our pid
			 * also sees our flock. */
			if (flock(fd, LOCK_EX) < 0 || write(fd, pid, (size_t)n) != n) {
				/* Still a lock by existence; only stale-breaking
				 * is lost, which is safe. */
			}
			s->lock_fd = fd;
			finish_interrupted_commit(s);
			sweep_undo_links(s);
			return NULL;
		}
		if (errno != EEXIST) {
			s->lock_depth--;
			return sd_error_errno(s->lock_path);
		}
		break_if_stale(s->lock_path);
		if (waited >= LOCK_WAIT_MS) {
			s->lock_depth--;
			return sd_error_fatal("another sd process is writing to this store (%s exists); "
					      "if none is running, remove that file",
					      s->lock_path);
		}
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

void sd_store_unlock_all(struct sd_store *s)
{
	if (s->lock_depth > 0) {
		s->lock_depth = 1;
		sd_store_unlock(s);
	}
}

void sd_store_unlock(struct sd_store *s)
{
	if (s->lock_depth <= 0 || --s->lock_depth > 0)
		return;
	unlink(s->lock_path);
	close(s->lock_fd);
	s->lock_fd = -1;
}

/* ---- writing ---- */

/* Writes through a temporary file and rename, so a reader or a crash never
 * sees half a file. A file that replaces one is synced first, so what it
 * replaces is not lost to a power failure; a new one is not, since a bulk
 * import writes thousands and loses nothing but itself. */
static sd_error *write_file_atomic(const char *path, const char *data, size_t len, int replacing)
{
	struct sd_buf tmp = SD_BUF_INIT;
	sd_error *err = NULL;
	sd_buf_printf(&tmp, "%s" TMP_SUFFIX "%ld", path, (long)getpid());
	/* The name is predictable: whatever is there already (a stale file,
	 * or a symlink a pull brought) is removed, never written through. */
	int fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST && unlink(tmp.data) == 0)
		fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = sd_error_errno(tmp.data);
		goto done;
	}
	if (sd_write_all(fd, data, len) < 0)
		err = sd_error_errno(tmp.data);
	if (!err && replacing && fsync(fd) < 0)
		err = sd_error_errno(tmp.data);
	if (close(fd) < 0 && !err)
		err = sd_error_errno(tmp.data);
	if (!err && rename(tmp.data, path) < 0)
		err = sd_error_errno(path);
	if (err)
		unlink(tmp.data);
done:
	sd_buf_release(&tmp);
	return err;
}

static sd_error *make_signature(struct sd_store *s, git_signature **out)
{
	const char *name, *email;
	sd_time now;
	sd_error *err = sd_store_author(s, &name, &email, NULL);
	if (err || (err = sd_time_now(&now)))
		return err;
	/* git refuses angle brackets inside a name; the ticket keeps the
	 * author as given, the commit drops them. */
	char *clean = sd_xstrdup(name);
	size_t j = 0;
	for (size_t i = 0; clean[i]; i++)
		if (clean[i] != '<' && clean[i] != '>')
			clean[j++] = clean[i];
	clean[j] = '\0';
	int rc = git_signature_new(out, *clean ? clean : email, email, (git_time_t)now, 0);
	free(clean);
	if (rc < 0)
		return sd_error_git("cannot make the commit signature");
	return NULL;
}

/* Saved content of files about to be overwritten, to put back if the
 * commit fails after the work tree was written. */
struct saved_file {
	char *abs;
	struct sd_buf old;
	int existed;
	/* A second name for the old file under <git dir>/sd/, so that a failed
	 * command puts it back with one rename, which needs no free space:
	 * a full disk is a likely reason for the failure. NULL if linking
	 * failed (another file system); old is written back then. */
	char *undo;
};

static int cmp_index_updates(const void *a, const void *b)
{
	return strcmp(((const struct sd_index_update *)a)->path,
		      ((const struct sd_index_update *)b)->path);
}

sd_error *sd_store_update_index(struct sd_store *s, const char *const *paths, const git_oid *ids,
				size_t n)
{
	struct sd_index_update *u = sd_xcalloc(n ? n : 1, sizeof(*u));
	struct sd_buf path = SD_BUF_INIT;
	git_index *index = NULL;
	sd_error *err = NULL;
	int unsupported = 0;
	for (size_t i = 0; i < n && !err; i++) {
		const char *why = sd_path_entry_problem(paths[i], GIT_FILEMODE_BLOB);
		if (why) {
			err = sd_path_refused(paths[i], why);
			break;
		}
		u[i].path = paths[i];
		memcpy(u[i].oid, ids[i].id, 20);
		sd_buf_reset(&path);
		sd_buf_printf(&path, "%s%s", s->root, paths[i]);
		if (lstat(path.data, &u[i].st) < 0)
			err = sd_error_errno(path.data);
	}
	if (!err) {
		/* The index file edited in place (see index.h). */
		qsort(u, n, sizeof(*u), cmp_index_updates);
		sd_buf_reset(&path);
		sd_buf_printf(&path, "%sindex", git_repository_path(s->repo));
		err = sd_index_update(path.data, u, n, &unsupported);
	}
	if (!err && unsupported) {
		/* An index this editor leaves alone: through libgit2. */
		if (git_repository_index(&index, s->repo) < 0 || git_index_read(index, 1) < 0)
			err = sd_error_git("cannot read the index");
		for (size_t i = 0; !err && i < n; i++) {
			/* Adding does not clear a conflict's stages in libgit2;
			 * a path without one gives GIT_ENOTFOUND, which is fine. */
			git_index_conflict_remove(index, paths[i]);
			if (git_index_add_bypath(index, paths[i]) < 0)
				err = sd_error_git("cannot update the index");
		}
		if (!err && git_index_write(index) < 0)
			err = sd_error_git("cannot write the index");
	}
	git_index_free(index);
	sd_buf_release(&path);
	free(u);
	return err;
}

sd_error *sd_store_write_file(struct sd_store *s, const char *path, const void *data, size_t len)
{
	const char *why = sd_path_entry_problem(path, GIT_FILEMODE_BLOB);
	if (why)
		return sd_path_refused(path, why);
	struct sd_buf abs = SD_BUF_INIT;
	sd_buf_printf(&abs, "%s%s", s->root, path);
	char *slash = strrchr(abs.data, '/');
	char *dir = sd_xstrndup(abs.data, (size_t)(slash - abs.data));
	sd_error *err = check_ticket_dirs(s, path);
	if (!err)
		err = mkdir_p(dir);
	/* Not synced: what it replaces is committed (a merge writes files
	 * whose old content is in HEAD), as git's own checkout does not. */
	if (!err)
		err = write_file_atomic(abs.data, data, len, 0);
	free(dir);
	sd_buf_release(&abs);
	return err;
}

/* libgit2's reason, and what to do when it is a lock file a killed git
 * or sd left behind (git's own advice). */
static sd_error *commit_error(void)
{
	const git_error *e = git_error_last();
	if (e && e->message && strstr(e->message, "failed to lock file")) {
		/* libgit2 ends some messages with ": " and no reason. */
		size_t len = strlen(e->message);
		while (len && (e->message[len - 1] == ' ' || e->message[len - 1] == ':'))
			len--;
		return sd_error_fatal("cannot commit: %.*s; if no git command is running, remove "
				      "that lock file and try again",
				      (int)len, e->message);
	}
	return sd_error_git("cannot commit");
}

/* From this many files a commit's objects go into one pack (see pack.h):
 * thousands of loose objects, each a file of its own, made an import
 * crawl. */
#define PACKED_COMMIT_MIN 64

/* Points HEAD (its branch, or HEAD itself when detached) at id, if it
 * still points at old (NULL: the branch is still unborn). */
static sd_error *advance_head(struct sd_store *s, const git_oid *id, const git_oid *old,
			      const char *message, size_t commits)
{
	git_reference *head = NULL, *moved = NULL;
	struct sd_buf log = SD_BUF_INIT;
	sd_error *err = NULL;
	size_t subject = strcspn(message, "\n");
	sd_buf_printf(&log, "%s: %.*s", old ? "commit" : "commit (initial)", (int)subject, message);
	if (commits > 1)
		sd_buf_printf(&log, " (the last of %zu commits)", commits);
	if (git_reference_lookup(&head, s->repo, "HEAD") < 0)
		return sd_error_git("cannot read HEAD");
	const char *name = git_reference_type(head) == GIT_REFERENCE_SYMBOLIC
		? git_reference_symbolic_target(head)
		: "HEAD";
	int rc = old ? git_reference_create_matching(&moved, s->repo, name, id, 1, old, log.data)
		     : git_reference_create(&moved, s->repo, name, id, 0, log.data);
	if (rc < 0)
		err = commit_error();
	git_reference_free(moved);
	git_reference_free(head);
	sd_buf_release(&log);
	return err;
}

/* ---- a run of commits ---- */

static uint64_t path_hash(const char *p)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a */
	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return h;
}

static size_t batch_slot(const struct store_batch *b, const char *path)
{
	size_t i = (size_t)path_hash(path) & (b->nslots - 1);
	while (b->slots[i] && strcmp(b->paths[b->slots[i] - 1].path, path))
		i = (i + 1) & (b->nslots - 1);
	return i;
}

static struct batch_path *batch_find(struct store_batch *b, const char *path)
{
	if (!b->nslots)
		return NULL;
	size_t i = batch_slot(b, path);
	return b->slots[i] ? &b->paths[b->slots[i] - 1] : NULL;
}

/* Records that path is now blob id; old is what the work tree held at
 * the last checkpoint, if this is the first change since. */
static void batch_note(struct store_batch *b, const char *path, const git_oid *id,
		       const git_oid *old)
{
	struct batch_path *p = batch_find(b, path);
	if (p) {
		p->id = *id;
		return;
	}
	if (b->npaths == b->alloc) {
		b->alloc = b->alloc ? b->alloc * 2 : 256;
		b->paths = sd_xrealloc(b->paths, b->alloc * sizeof(*b->paths));
	}
	b->paths[b->npaths] = (struct batch_path){ sd_xstrdup(path), *id, *old };
	b->npaths++;
	if (2 * b->npaths > b->nslots) {
		free(b->slots);
		b->nslots = b->nslots ? b->nslots * 2 : 1024;
		b->slots = sd_xcalloc(b->nslots, sizeof(*b->slots));
		for (size_t i = 0; i < b->npaths; i++)
			b->slots[batch_slot(b, b->paths[i].path)] = i + 1;
	} else {
		b->slots[batch_slot(b, path)] = b->npaths;
	}
}

static void batch_forget_paths(struct store_batch *b)
{
	for (size_t i = 0; i < b->npaths; i++)
		free(b->paths[i].path);
	b->npaths = 0;
	if (b->nslots)
		memset(b->slots, 0, b->nslots * sizeof(*b->slots));
}

/* The tree of the branch at the last checkpoint, with the paths changed
 * since: the batch's tree as it was before a commit that failed half
 * way, or (with no paths) after a checkpoint that failed. */
static sd_error *batch_reset_tree(struct sd_store *s)
{
	struct store_batch *b = s->batch;
	git_commit *c = NULL;
	sd_error *err = NULL;
	sd_pack_tree_free(b->tree);
	b->tree = NULL;
	if (b->born && git_commit_lookup(&c, s->repo, &b->base) < 0)
		return sd_error_git("cannot read HEAD");
	b->tree = sd_pack_tree_new(s->repo, c ? git_commit_tree_id(c) : NULL);
	git_commit_free(c);
	for (size_t i = 0; !err && i < b->npaths; i++)
		err = sd_pack_tree_set(b->tree, b->paths[i].path, &b->paths[i].id);
	return err;
}

/* The commit of a run, once its files are in the work tree: its trees
 * and the commit go to the run's pack. */
static sd_error *batch_add_commit(struct sd_store *s, const struct sd_change *changes,
				  const git_oid *ids, const git_oid *old_ids, size_t n,
				  const git_signature *sig, const char *message)
{
	struct store_batch *b = s->batch;
	git_oid root;
	sd_error *err = NULL;
	for (size_t i = 0; !err && i < n; i++)
		err = sd_pack_tree_set(b->tree, changes[i].path, &ids[i]);
	if (err) {
		/* Back to the tree before this commit, whose files are put
		 * back by the caller. */
		sd_error_free(batch_reset_tree(s));
		return err;
	}
	sd_pack_tree_write(b->tree, b->pack, &root);
	sd_pack_add_commit(b->pack, &root, b->commits || b->born ? &b->tip : NULL, sig, message,
			   &b->tip);
	for (size_t i = 0; i < n; i++)
		batch_note(b, changes[i].path, &ids[i], &old_ids[i]);
	b->commits++;
	free(b->last_subject);
	b->last_subject = sd_xstrndup(message, strcspn(message, "\n"));
	return NULL;
}

sd_error *sd_store_batch_begin(struct sd_store *s)
{
	git_oid head;
	git_commit *c = NULL;
	if (s->batch)
		return sd_error_fatal("a run of commits is already open");
	sd_error *err = sd_store_lock(s);
	if (err)
		return err;
	struct store_batch *b = sd_xcalloc(1, sizeof(*b));
	int rc = git_reference_name_to_id(&head, s->repo, "HEAD");
	if (rc == 0 && git_commit_lookup(&c, s->repo, &head) < 0)
		rc = -1;
	if (rc < 0 && rc != GIT_ENOTFOUND && rc != GIT_EUNBORNBRANCH) {
		free(b);
		sd_store_unlock(s);
		return sd_error_git("cannot read HEAD");
	}
	b->born = rc == 0;
	if (b->born)
		b->base = b->tip = head;
	b->tree = sd_pack_tree_new(s->repo, c ? git_commit_tree_id(c) : NULL);
	git_commit_free(c);
	s->batch = b;
	return NULL;
}

size_t sd_store_batch_pending(const struct sd_store *s)
{
	return s->batch ? s->batch->commits : 0;
}

sd_error *sd_store_batch_flush(struct sd_store *s)
{
	struct store_batch *b = s->batch;
	git_odb *odb = NULL;
	if (!b || !b->commits)
		return NULL;
	/* The objects first, synced: the branch never names a missing one. */
	sd_error *err = sd_pack_finish(b->pack);
	b->pack = NULL;
	if (!err) {
		/* libgit2 lists a repository's packs once; it must see the new one. */
		if (git_repository_odb(&odb, s->repo) < 0 || git_odb_refresh(odb) < 0)
			err = sd_error_git("cannot read the new pack");
		git_odb_free(odb);
	}
	if (!err)
		err = advance_head(s, &b->tip, b->born ? &b->base : NULL, b->last_subject,
				   b->commits);
	if (err) {
		/* None of this stretch is reachable: the journal puts the work
		 * tree back as it was at the last checkpoint. */
		finish_interrupted_commit(s);
		batch_forget_paths(b);
		b->commits = 0;
		b->tip = b->base;
		sd_error_free(batch_reset_tree(s));
		return err;
	}
	const char **paths = sd_xcalloc(b->npaths ? b->npaths : 1, sizeof(*paths));
	git_oid *ids = sd_xcalloc(b->npaths ? b->npaths : 1, sizeof(*ids));
	for (size_t i = 0; i < b->npaths; i++) {
		paths[i] = b->paths[i].path;
		ids[i] = b->paths[i].id;
	}
	sd_store_finish_index(s, paths, ids, b->npaths, "committed");
	free(paths);
	free(ids);
	batch_forget_paths(b);
	b->base = b->tip;
	b->born = 1;
	b->commits = 0;
	return NULL;
}

sd_error *sd_store_batch_end(struct sd_store *s)
{
	struct store_batch *b = s->batch;
	if (!b)
		return NULL;
	sd_error *err = sd_store_batch_flush(s);
	sd_pack_free(b->pack);
	sd_pack_tree_free(b->tree);
	batch_forget_paths(b);
	free(b->paths);
	free(b->slots);
	free(b->last_subject);
	free(b);
	s->batch = NULL;
	sd_store_unlock(s);
	return err;
}

/* The size check of a ticket file about to be written, naming it by id. */
static sd_error *check_ticket_size(const char *path, size_t len)
{
	const char *name = strrchr(path, '/') + 1;
	size_t n = strlen(name);
	if (n > 3 && !strcmp(name + n - 3, ".md"))
		n -= 3;
	char *id = sd_xstrndup(name, n);
	sd_error *err = sd_ticket_check_size(id, len);
	free(id);
	return err;
}

sd_error *sd_store_commit(struct sd_store *s, const struct sd_change *changes, size_t n,
			  const char *message)
{
	int packed = 0;		   /* the objects were written as one pack */
	const char **paths = NULL; /* as committed, for the index and the journal */
	git_oid *ids = NULL, *old_ids = NULL;
	git_signature *sig = NULL;
	git_reference *head = NULL;
	git_commit *parent = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_tree_update *updates = sd_xcalloc(n, sizeof(*updates));
	struct saved_file *saved = sd_xcalloc(n, sizeof(*saved));
	git_oid tree_oid, commit_oid;
	sd_error *err = NULL;
	int locked = 0, written = 0, journaled = 0;

	/* Every change sd makes goes through here, so this is where a ticket
	 * is kept from growing past what sd writes, before anything is. */
	for (size_t i = 0; i < n; i++)
		if (sd_starts_with(changes[i].path, "tickets/") &&
		    !sd_path_is_attachment(changes[i].path) &&
		    (err = check_ticket_size(changes[i].path, changes[i].len)))
			goto done;
	if ((err = make_signature(s, &sig)) || (err = sd_store_lock(s)))
		goto done;
	locked = 1;
	for (size_t i = 0; i < n; i++) {
		const char *why = sd_path_entry_problem(changes[i].path, GIT_FILEMODE_BLOB);
		if (why) {
			err = sd_path_refused(changes[i].path, why);
			goto done;
		}
		if ((err = check_ticket_dirs(s, changes[i].path)))
			goto done;
	}

	if (s->batch) {
		/* A run of commits: the objects go to its pack (see
		 * sd_store_batch_begin), the trees are made after the files
		 * are written. */
		struct store_batch *b = s->batch;
		if (!b->pack) {
			struct sd_buf dir = SD_BUF_INIT;
			sd_buf_printf(&dir, "%sobjects/pack", git_repository_path(s->repo));
			b->pack = sd_pack_new(dir.data);
			sd_pack_store_only(b->pack);
			sd_buf_release(&dir);
		}
		for (size_t i = 0; i < n; i++) {
			updates[i].path = changes[i].path;
			sd_pack_add(b->pack, SD_PACK_BLOB, changes[i].content, changes[i].len,
				    updates[i].id.id);
		}
		goto objects_made;
	}
	int rc = git_repository_head(&head, s->repo);
	if (rc == 0) {
		if (git_reference_peel((git_object **)&parent, head, GIT_OBJECT_COMMIT) < 0 ||
		    git_commit_tree(&base, parent) < 0) {
			err = sd_error_git("cannot read HEAD");
			goto done;
		}
	} else if (rc != GIT_EUNBORNBRANCH && rc != GIT_ENOTFOUND) {
		err = sd_error_git("cannot read HEAD");
		goto done;
	}
	if (n >= PACKED_COMMIT_MIN) {
		git_oid *blob_ids = sd_xcalloc(n, sizeof(*blob_ids));
		int unsupported = 0;
		err = sd_pack_commit(s->repo, parent, changes, n, sig, message, blob_ids,
				     &commit_oid, &unsupported);
		for (size_t i = 0; !err && !unsupported && i < n; i++) {
			updates[i].action = GIT_TREE_UPDATE_UPSERT;
			updates[i].filemode = GIT_FILEMODE_BLOB;
			updates[i].path = changes[i].path;
			updates[i].id = blob_ids[i];
		}
		free(blob_ids);
		if (err)
			goto done;
		packed = !unsupported;
	}
	if (!base && !packed) {
		git_treebuilder *tb = NULL;
		git_oid empty;
		if (git_treebuilder_new(&tb, s->repo, NULL) < 0 ||
		    git_treebuilder_write(&empty, tb) < 0 ||
		    git_tree_lookup(&base, s->repo, &empty) < 0) {
			git_treebuilder_free(tb);
			err = sd_error_git("cannot make an empty tree");
			goto done;
		}
		git_treebuilder_free(tb);
	}
	for (size_t i = 0; !packed && i < n; i++) {
		updates[i].action = GIT_TREE_UPDATE_UPSERT;
		updates[i].filemode = GIT_FILEMODE_BLOB;
		updates[i].path = changes[i].path;
		if (git_blob_create_from_buffer(&updates[i].id, s->repo, changes[i].content,
						changes[i].len) < 0) {
			err = sd_error_git("cannot write the blob");
			goto done;
		}
	}
	if (!packed &&
	    (git_tree_create_updated(&tree_oid, s->repo, base, n, updates) < 0 ||
	     git_tree_lookup(&tree, s->repo, &tree_oid) < 0)) {
		err = sd_error_git("cannot write the tree");
		goto done;
	}
objects_made:;

	/* The work tree first, then the commit, then the index, with every
	 * path in the journal before the first file is written: if sd dies
	 * before the commit, the next sd to take the lock puts the files back
	 * (their old content is kept as blobs for that), and if it dies
	 * after, it brings the index up to HEAD. */
	old_ids = sd_xcalloc(n ? n : 1, sizeof(*old_ids));
	for (size_t i = 0; i < n; i++) {
		struct batch_path *touched =
			s->batch ? batch_find(s->batch, changes[i].path) : NULL;
		struct sd_buf abs = SD_BUF_INIT;
		sd_buf_printf(&abs, "%s%s", s->root, changes[i].path);
		saved[i].abs = sd_buf_detach(&abs);
		sd_buf_init(&saved[i].old);
		saved[i].existed = file_exists(saved[i].abs);
		if (!saved[i].existed)
			continue;
		if ((err = sd_buf_read_file(&saved[i].old, saved[i].abs,
					    SD_TICKET_READ_MAX_BYTES * 2)))
			break;
		if (touched) {
			/* What the journal puts back is the file as of the last
			 * checkpoint: this stretch's blobs are in no pack yet. */
			old_ids[i] = touched->old;
		} else if (git_blob_create_from_buffer(&old_ids[i], s->repo, saved[i].old.data,
						       saved[i].old.len) < 0) {
			err = sd_error_git("cannot keep a ticket's old content");
			break;
		}
		struct sd_buf undo = SD_BUF_INIT;
		sd_store_private_path(s, "", &undo);
		sd_buf_printf(&undo, "undo-%ld-%zu", (long)getpid(), i);
		unlink(undo.data);
		if (link(saved[i].abs, undo.data) == 0)
			saved[i].undo = sd_buf_detach(&undo);
		sd_buf_release(&undo);
	}
	paths = sd_xcalloc(n ? n : 1, sizeof(*paths));
	ids = sd_xcalloc(n ? n : 1, sizeof(*ids));
	for (size_t i = 0; i < n; i++) {
		paths[i] = changes[i].path;
		ids[i] = updates[i].id;
	}
	/* In a run of commits the journal grows by each commit's paths,
	 * with what the work tree held at the last checkpoint as their old
	 * content: a kill puts the work tree back to that checkpoint (a
	 * path named twice is put back by the line whose blob the file
	 * still holds). */
	if (!err)
		journal_put(s, paths, ids, old_ids, n, s->batch != NULL);
	if (err)
		goto done;
	journaled = 1;
	for (size_t i = 0; i < n; i++) {
		char *slash = strrchr(saved[i].abs, '/');
		if (slash) {
			char *dir = sd_xstrndup(saved[i].abs, (size_t)(slash - saved[i].abs));
			err = mkdir_p(dir);
			free(dir);
			if (err)
				goto done;
		}
		if ((err = write_file_atomic(saved[i].abs, changes[i].content, changes[i].len,
					     saved[i].existed)))
			goto done;
		written = (int)i + 1;
		/* Only large commits (an import) report: one ticket is instant. */
		if (n >= 1000 && (i % 256 == 0 || i + 1 == n))
			sd_store_progress(s, "Writing tickets", i + 1, n);
	}

	const git_commit *parents[1] = { parent };
	if (s->batch) {
		if ((err = batch_add_commit(s, changes, ids, old_ids, n, sig, message)))
			goto done;
		/* Reachable at the next checkpoint, which updates the index. */
		written = 0;
		journaled = 0;
		goto done;
	}
	if (packed) {
		/* The pack is complete, so HEAD never names a missing object. */
		if ((err = advance_head(s, &commit_oid, parent ? git_commit_id(parent) : NULL,
					message, 1)))
			goto done;
	} else {
		/* libgit2 1.5 returns 0 when writing the commit object fails
		 * (a full disk), without moving HEAD: check that it moved. */
		git_oid now;
		if (git_commit_create(&commit_oid, s->repo, "HEAD", sig, sig, NULL, message, tree,
				      parent ? 1 : 0, parents) < 0 ||
		    git_reference_name_to_id(&now, s->repo, "HEAD") < 0 ||
		    !git_oid_equal(&now, &commit_oid)) {
			err = commit_error();
			goto done;
		}
	}
	written = 0;   /* committed: the new files stay */
	journaled = 0; /* and the journal until the index has them */

	/* Only these paths change in the index; whatever else the user has
	 * staged stays staged. */
	sd_store_finish_index(s, paths, ids, n, "committed");

done:;
	int restored = 1;
	for (int i = 0; i < written; i++) {
		/* Put back what the user had, so a failed command changes nothing. */
		sd_error *rerr = NULL;
		if (saved[i].undo && rename(saved[i].undo, saved[i].abs) == 0) {
			free(saved[i].undo);
			saved[i].undo = NULL;
		} else if (saved[i].existed) {
			rerr = write_file_atomic(saved[i].abs, saved[i].old.data, saved[i].old.len,
						 1);
		} else if (unlink(saved[i].abs) < 0 && errno != ENOENT) {
			restored = 0;
		}
		if (rerr)
			restored = 0;
		sd_error_free(rerr);
	}
	/* Not committed: nothing left to finish, unless a file could not be
	 * put back, which the next sd then tries again. */
	if (journaled && restored && !s->batch)
		sd_store_journal_remove(s);
	for (size_t i = 0; i < n; i++) {
		if (saved[i].undo)
			unlink(saved[i].undo);
		free(saved[i].undo);
		free(saved[i].abs);
		sd_buf_release(&saved[i].old);
	}
	free(saved);
	free(updates);
	free(paths);
	free(ids);
	free(old_ids);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	git_reference_free(head);
	git_signature_free(sig);
	if (locked)
		sd_store_unlock(s);
	return err;
}

sd_error *sd_store_save_ticket(struct sd_store *s, const struct sd_ticket *t, const char *verb)
{
	struct sd_buf content = SD_BUF_INIT, path = SD_BUF_INIT, msg = SD_BUF_INIT;
	char short_id[SD_ID_LEN + 1];
	const char *id = sd_ticket_get(t, SD_F_ID);
	sd_error *err = sd_store_short_id_for(s, short_id, id);
	if (err)
		return err;
	sd_ticket_write(t, &content);
	sd_ticket_path(&path, id);
	/* A hand-edited title may hold control characters and newlines (shown
	 * inert, see sd_field_check_read): never copy them raw into git. */
	const char *title = sd_ticket_get(t, SD_F_TITLE);
	sd_buf_printf(&msg, "sd: %s %s \"", verb, short_id);
	sd_text_inert(&msg, title, strlen(title), 0);
	sd_buf_adds(&msg, "\"\n");
	struct sd_change change = { path.data, content.data, content.len };
	err = sd_store_commit(s, &change, 1, msg.data);
	sd_buf_release(&content);
	sd_buf_release(&path);
	sd_buf_release(&msg);
	return err;
}

sd_error *sd_store_save_tickets(struct sd_store *s, const struct sd_ticket *const *t, size_t n,
				const char *verb)
{
	struct sd_buf *content = sd_xcalloc(n ? n : 1, sizeof(*content));
	struct sd_buf *path = sd_xcalloc(n ? n : 1, sizeof(*path));
	struct sd_change *changes = sd_xcalloc(n ? n : 1, sizeof(*changes));
	struct sd_buf msg = SD_BUF_INIT;
	sd_error *err = NULL;
	for (size_t i = 0; i < n; i++) {
		char short_id[SD_ID_LEN + 1];
		const char *id = sd_ticket_get(t[i], SD_F_ID);
		const char *title = sd_ticket_get(t[i], SD_F_TITLE);
		if ((err = sd_store_short_id_for(s, short_id, id)))
			goto done;
		sd_buf_init(&content[i]);
		sd_buf_init(&path[i]);
		sd_ticket_write(t[i], &content[i]);
		sd_ticket_path(&path[i], id);
		changes[i] = (struct sd_change){ path[i].data, content[i].data, content[i].len };
		/* Titles inert in the message, as in sd_store_save_ticket. */
		if (i == 0)
			sd_buf_printf(&msg, "sd: %s %s \"", verb, short_id);
		else
			sd_buf_printf(&msg, "%s%s \"", i == 1 ? "\n" : "", short_id);
		sd_text_inert(&msg, title, strlen(title), 0);
		sd_buf_adds(&msg, "\"\n");
	}
	if (n)
		err = sd_store_commit(s, changes, n, msg.data);
done:
	for (size_t i = 0; i < n; i++) {
		sd_buf_release(&content[i]);
		sd_buf_release(&path[i]);
	}
	free(content);
	free(path);
	free(changes);
	sd_buf_release(&msg);
	return err;
}
