#include "listing.h"
#include "parse.h"
#include "util/error.h"
#include "util/sanitize.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SIX_MONTHS (183 * 86400LL)

static const char *const months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

void ftp_entry_clear(struct ftp_entry *e)
{
	if (!e)
		return;
	free(e->name);
	free(e->link_target);
	free(e->owner);
	free(e->group);
	memset(e, 0, sizeof(*e));
}

static void entry_init(struct ftp_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->size = -1;
	e->mtime = -1;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* Decimal int64 from exactly n digits; -1 on overflow or non-digits. */
static int64_t parse_i64(const char *s, size_t n)
{
	int64_t v = 0;

	if (!all_digits(s, n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d = s[i] - '0';
		if (v > (INT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	return v;
}

/* A valid time before 1970 is kept as "unknown" (-1): struct ftp_entry has
 * no other way to say it, and a negative value other than -1 would confuse
 * every reader of mtime. The entry itself stays: a listing must not lose a
 * file because of its date. */
static int64_t clamp_time(int64_t t)
{
	return t < 0 ? -1 : t;
}

/* Seconds since the epoch for a broken-down UTC time into *t (clamped);
 * -1 if the fields are not a date. Goes through the MDTM parser so that
 * there is one calendar implementation. */
static int make_time(int y, int mo, int d, int h, int mi, int64_t *t)
{
	char s[32];

	if (y < 0 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h < 0 || h > 23 || mi < 0 || mi > 59)
		return -1;
	snprintf(s, sizeof(s), "%04d%02d%02d%02d%02d00", y, mo, d, h, mi);
	if (parse_213_mdtm(s, t) < 0)
		return -1;
	*t = clamp_time(*t);
	return 0;
}

/* ---- Unix "ls -l" lines ------------------------------------------------ */

#define MAX_TOK 12

struct tok {
	const char *s;
	size_t n;
};

/* Split the start of line into space-separated tokens (at most MAX_TOK). */
static int tokenize(const char *line, struct tok *t)
{
	int n = 0;
	const char *s = line;

	while (n < MAX_TOK) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		t[n].s = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		t[n].n = (size_t)(s - t[n].s);
		n++;
	}
	return n;
}

static int month_index(const struct tok *t)
{
	if (t->n != 3)
		return -1;
	for (int i = 0; i < 12; i++)
		if (strncasecmp(t->s, months[i], 3) == 0)
			return i;
	return -1;
}

static int valid_perms(const struct tok *t)
{
	if (t->n != 10 && !(t->n == 11 && strchr("+@.", t->s[10])))
		return 0;
	if (!strchr("-dlcbpsD", t->s[0]))
		return 0;
	for (int i = 1; i < 10; i++)
		if (!strchr("-rwxsStTlL", t->s[i]))
			return 0;
	return 1;
}

static enum entry_type type_from_char(char c)
{
	switch (c) {
	case '-': return ENTRY_FILE;
	case 'd': return ENTRY_DIR;
	case 'l': return ENTRY_LINK;
	}
	return ENTRY_UNKNOWN;
}

/* "Mon DD HH:MM" has no year: take the latest of next, this and last year
 * that is not more than ~6 months after now (ls shows times only for recent
 * files, and server clocks may run a little ahead). */
static int guess_year_time(int mo, int d, int h, int mi, int64_t now,
			   int64_t *t)
{
	time_t tn = (time_t)now;
	struct tm tm;

	if (!gmtime_r(&tn, &tm))
		return -1;
	for (int y = tm.tm_year + 1900 + 1; y >= tm.tm_year + 1900 - 1; y--)
		if (make_time(y, mo, d, h, mi, t) == 0 &&
		    *t <= now + 180 * 86400LL)
			return 0;
	return -1;
}

/* Date tokens: month, day, and "HH:MM" or "YYYY". */
static int unix_date(const struct tok *t, int64_t now, struct ftp_entry *e)
{
	int mo = month_index(&t[0]);
	int64_t d = parse_i64(t[1].s, t[1].n);

	if (mo < 0 || t[1].n > 2 || d < 1 || d > 31)
		return -1;
	const char *x = t[2].s;
	int rc = -1;
	if (t[2].n == 4 && all_digits(x, 4)) {
		rc = make_time((int)parse_i64(x, 4), mo + 1, (int)d, 0, 0,
			       &e->mtime);
		e->mtime_has_time = 0;
	} else if ((t[2].n == 5 || t[2].n == 4) && x[t[2].n - 3] == ':') {
		size_t hl = t[2].n - 3;
		if (!all_digits(x, hl) || !all_digits(x + hl + 1, 2))
			return -1;
		rc = guess_year_time(mo + 1, (int)d, (int)parse_i64(x, hl),
				     (int)parse_i64(x + hl + 1, 2), now, &e->mtime);
		e->mtime_has_time = e->mtime >= 0;
	}
	return rc;
}

/* Columns between perms and size: "nlink owner group", "nlink owner",
 * "owner group" or "owner". */
static void unix_owner(const struct tok *t, int n, struct ftp_entry *e)
{
	int i = 0;

	if (n >= 2 && all_digits(t[0].s, t[0].n) && t[0].n < 10) {
		e->nlink = (unsigned)parse_i64(t[0].s, t[0].n);
		i = 1;
	}
	if (n - i >= 1)
		e->owner = xstrndup(t[i].s, t[i].n);
	if (n - i >= 2)
		e->group = xstrndup(t[i + 1].s, t[i + 1].n);
}

static void set_name(struct ftp_entry *e, const char *name)
{
	const char *arrow = e->type == ENTRY_LINK ? strstr(name, " -> ") : NULL;

	if (arrow && arrow > name) {
		e->name = xstrndup(name, (size_t)(arrow - name));
		e->link_target = xstrdup(arrow + 4);
	} else {
		e->name = xstrdup(name);
	}
}

static int parse_unix(const char *line, int64_t now, struct ftp_entry *e)
{
	struct tok t[MAX_TOK];
	int n = tokenize(line, t);
	int m;

	if (n < 5 || !valid_perms(&t[0]))
		return FTPS_ERR_PROTO;
	/* The date is the first valid "Mon DD x" preceded by a numeric size
	 * (an owner may well be called "may"). */
	for (m = 2; m + 2 < n; m++)
		if (all_digits(t[m - 1].s, t[m - 1].n) &&
		    unix_date(&t[m], now, e) == 0)
			break;
	if (m + 2 >= n)
		return FTPS_ERR_PROTO;
	const char *name = t[m + 2].s + t[m + 2].n;
	if (name[0] != ' ' || name[1] == '\0')
		return FTPS_ERR_PROTO;
	name++;

	e->size = parse_i64(t[m - 1].s, t[m - 1].n);
	if (e->size < 0)
		return FTPS_ERR_PROTO;
	memcpy(e->perms, t[0].s, 10);
	e->perms[10] = '\0';
	e->type = type_from_char(t[0].s[0]);
	unix_owner(&t[1], m - 2, e);
	set_name(e, name);
	return 0;
}

/* ---- DOS / IIS lines --------------------------------------------------- */

/* "MM-DD-YY" or "MM-DD-YYYY" and "HH:MM[AM|PM]". */
static int dos_time(const struct tok *dt, const struct tok *tm, int64_t *t)
{
	const char *d = dt->s, *h = tm->s;
	int y, hh, mm;

	if ((dt->n != 8 && dt->n != 10) || d[2] != '-' || d[5] != '-' ||
	    !all_digits(d, 2) || !all_digits(d + 3, 2) ||
	    !all_digits(d + 6, dt->n - 6))
		return -1;
	y = (int)parse_i64(d + 6, dt->n - 6);
	if (dt->n == 8)
		y += y < 70 ? 2000 : 1900;

	size_t n = tm->n;
	int pm = -1;
	if (n >= 2 && strncasecmp(h + n - 2, "AM", 2) == 0)
		pm = 0, n -= 2;
	else if (n >= 2 && strncasecmp(h + n - 2, "PM", 2) == 0)
		pm = 1, n -= 2;
	if ((n != 5 && n != 4) || h[n - 3] != ':' || !all_digits(h, n - 3) ||
	    !all_digits(h + n - 2, 2))
		return -1;
	hh = (int)parse_i64(h, n - 3);
	mm = (int)parse_i64(h + n - 2, 2);
	if (pm >= 0) {
		if (hh < 1 || hh > 12)
			return -1;
		hh = hh % 12 + (pm ? 12 : 0);
	}
	return make_time(y, (int)parse_i64(d, 2), (int)parse_i64(d + 3, 2),
			 hh, mm, t);
}

static int parse_dos(const char *line, struct ftp_entry *e)
{
	struct tok t[MAX_TOK];

	if (tokenize(line, t) < 4)
		return FTPS_ERR_PROTO;
	int64_t mtime;
	if (dos_time(&t[0], &t[1], &mtime) < 0)
		return FTPS_ERR_PROTO;

	int dir = t[2].n == 5 && strncasecmp(t[2].s, "<DIR>", 5) == 0;
	int64_t size = dir ? -1 : parse_i64(t[2].s, t[2].n);
	if (!dir && size < 0)
		return FTPS_ERR_PROTO;

	e->type = dir ? ENTRY_DIR : ENTRY_FILE;
	e->size = size;
	e->mtime = mtime;
	e->mtime_has_time = mtime >= 0;
	e->name = xstrdup(t[3].s); /* the rest of the line, spaces included */
	return 0;
}

int parse_list_line(const char *line, int64_t now_epoch, struct ftp_entry *e)
{
	entry_init(e);
	if (parse_unix(line, now_epoch, e) == 0)
		return 0;
	ftp_entry_clear(e);
	entry_init(e);
	if (parse_dos(line, e) == 0)
		return 0;
	ftp_entry_clear(e);
	entry_init(e);
	return FTPS_ERR_PROTO;
}

/* ---- MLSD -------------------------------------------------------------- */

struct mlsd_facts {
	int cdir_pdir;   /* 1 cdir, 2 pdir */
	long mode;       /* UNIX.mode, -1 if absent */
	char *uid, *gid; /* numeric fallbacks for owner/group */
	char *perm;      /* RFC 3659 perm fact */
};

static void mode_to_perms(long mode, enum entry_type type, char *p)
{
	static const char rwx[] = "rwxrwxrwx";

	p[0] = type == ENTRY_DIR ? 'd' : type == ENTRY_LINK ? 'l' : '-';
	for (int i = 0; i < 9; i++)
		p[i + 1] = (mode & (0400 >> i)) ? rwx[i] : '-';
	if (mode & 04000)
		p[3] = p[3] == 'x' ? 's' : 'S';
	if (mode & 02000)
		p[6] = p[6] == 'x' ? 's' : 'S';
	if (mode & 01000)
		p[9] = p[9] == 'x' ? 't' : 'T';
	p[10] = '\0';
}

/* Without UNIX.mode, RFC 3659's perm fact tells what *we* may do: show it as
 * the owner bits, the rest unknown ('-'), so "ls" is not all dashes. */
static void perm_fact_to_perms(const char *perm, enum entry_type type, char *p)
{
	memcpy(p, "----------", 11);
	p[0] = type == ENTRY_DIR ? 'd' : type == ENTRY_LINK ? 'l' : '-';
	if (type == ENTRY_DIR) {
		if (strpbrk(perm, "lL"))
			p[1] = 'r';
		if (strpbrk(perm, "cCmMpP"))
			p[2] = 'w';
		if (strpbrk(perm, "eE"))
			p[3] = 'x';
	} else {
		if (strpbrk(perm, "rR"))
			p[1] = 'r';
		if (strpbrk(perm, "wWaA"))
			p[2] = 'w';
	}
}

static void mlsd_type(const char *v, struct ftp_entry *e, struct mlsd_facts *f)
{
	if (strcasecmp(v, "file") == 0) {
		e->type = ENTRY_FILE;
	} else if (strcasecmp(v, "dir") == 0) {
		e->type = ENTRY_DIR;
	} else if (strcasecmp(v, "cdir") == 0 || strcasecmp(v, "pdir") == 0) {
		e->type = ENTRY_DIR;
		f->cdir_pdir = (v[0] | 0x20) == 'c' ? 1 : 2;
	} else if (strcasecmp(v, "OS.unix=symlink") == 0) {
		e->type = ENTRY_LINK;
	} else if (strncasecmp(v, "OS.unix=slink:", 14) == 0) {
		e->type = ENTRY_LINK;
		free(e->link_target);
		e->link_target = v[14] ? xstrdup(v + 14) : NULL;
	}
}

static void replace(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static void mlsd_fact(const char *k, const char *v, struct ftp_entry *e,
		      struct mlsd_facts *f)
{
	if (strcasecmp(k, "type") == 0) {
		mlsd_type(v, e, f);
	} else if (strcasecmp(k, "size") == 0) {
		e->size = parse_i64(v, strlen(v));
	} else if (strcasecmp(k, "modify") == 0) {
		int64_t t;
		if (parse_213_mdtm(v, &t) == 0 && clamp_time(t) >= 0) {
			e->mtime = t;
			e->mtime_has_time = 1;
		}
	} else if (strcasecmp(k, "UNIX.mode") == 0) {
		char *end;
		long m = strtol(v, &end, 8);
		if (*v && !*end && m >= 0 && m <= 07777)
			f->mode = m;
	} else if (strcasecmp(k, "perm") == 0) {
		replace(&f->perm, v);
	} else if (strcasecmp(k, "UNIX.owner") == 0) {
		replace(&e->owner, v);
	} else if (strcasecmp(k, "UNIX.group") == 0) {
		replace(&e->group, v);
	} else if (strcasecmp(k, "UNIX.uid") == 0) {
		replace(&f->uid, v);
	} else if (strcasecmp(k, "UNIX.gid") == 0) {
		replace(&f->gid, v);
	}
}

/* Walk "k=v;k=v;" (facts is a modifiable copy). */
static void mlsd_facts(char *facts, struct ftp_entry *e, struct mlsd_facts *f)
{
	char *save = NULL;

	for (char *fact = strtok_r(facts, ";", &save); fact;
	     fact = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(fact, '=');
		if (!eq)
			continue;
		*eq = '\0';
		mlsd_fact(fact, eq + 1, e, f);
	}
}

int parse_mlsd_line(const char *line, struct ftp_entry *e)
{
	const char *sp = strchr(line, ' ');
	struct mlsd_facts f = { .mode = -1 };

	entry_init(e);
	if (!sp || sp[1] == '\0')
		return FTPS_ERR_PROTO;
	char *facts = xstrndup(line, (size_t)(sp - line));
	mlsd_facts(facts, e, &f);
	free(facts);

	if (f.mode >= 0)
		mode_to_perms(f.mode, e->type, e->perms);
	else if (f.perm)
		perm_fact_to_perms(f.perm, e->type, e->perms);
	free(f.perm);
	if (!e->owner && f.uid)
		e->owner = xstrdup(f.uid);
	if (!e->group && f.gid)
		e->group = xstrdup(f.gid);
	free(f.uid);
	free(f.gid);
	/* cdir's name is often a full path: normalise so callers can skip. */
	if (f.cdir_pdir)
		e->name = xstrdup(f.cdir_pdir == 1 ? "." : "..");
	else
		e->name = xstrdup(sp + 1);
	return 0;
}

/* ---- Whole listings ---------------------------------------------------- */

void ftp_entries_free(struct ftp_entry *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		ftp_entry_clear(&v[i]);
	free(v);
}

static int parse_one(const char *s, size_t len, int mlsd, int64_t now,
		     struct ftp_entry *e)
{
	if (len && s[len - 1] == '\r')
		len--;
	/* A NUL cannot be part of a usable name; skip such lines. */
	if (len == 0 || memchr(s, '\0', len))
		return FTPS_ERR_PROTO;
	char *line = xstrndup(s, len);
	int rc = mlsd ? parse_mlsd_line(line, e) : parse_list_line(line, now, e);
	free(line);
	return rc;
}

int parse_listing(const char *buf, size_t len, int mlsd, int64_t now_epoch,
		  size_t max_entries, struct ftp_entry **out, size_t *n)
{
	struct ftp_entry *v = NULL;
	size_t count = 0, cap = 0, pos = 0;

	*out = NULL;
	*n = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		struct ftp_entry e;

		if (parse_one(buf + pos, l, mlsd, now_epoch, &e) == 0) {
			if (count == max_entries) {
				ftp_entry_clear(&e);
				ftp_entries_free(v, count);
				return FTPS_ERR_TOOLONG;
			}
			if (count == cap) {
				cap = cap ? cap * 2 : 16;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[count++] = e;
		}
		pos += l + 1;
	}
	*out = v;
	*n = count;
	return 0;
}

/* ---- Output ------------------------------------------------------------ */

static void format_date(const struct ftp_entry *e, int64_t now, char *d,
			size_t dn)
{
	time_t t = (time_t)e->mtime;
	struct tm tm;
	int recent = e->mtime_has_time && e->mtime > now - SIX_MONTHS &&
		     e->mtime < now + SIX_MONTHS;

	/* A date without a time is a calendar date, not an instant: showing
	 * it in local time could move it to the previous day. */
	if (e->mtime < 0 ||
	    !(e->mtime_has_time ? localtime_r(&t, &tm) : gmtime_r(&t, &tm))) {
		snprintf(d, dn, "%-12s", "-");
		return;
	}
	if (recent)
		snprintf(d, dn, "%s %2d %02d:%02d", months[tm.tm_mon],
			 tm.tm_mday, tm.tm_hour, tm.tm_min);
	else
		snprintf(d, dn, "%s %2d  %d", months[tm.tm_mon], tm.tm_mday,
			 tm.tm_year + 1900);
}

static char *sanitize_or_dash(const char *s)
{
	return sanitize_str(s ? s : "-");
}

char *format_entry_long(const struct ftp_entry *e, int64_t now_epoch, int size_w)
{
	char perms[11], nlink[16], size[24], date[64];
	char *owner = sanitize_or_dash(e->owner);
	char *group = sanitize_or_dash(e->group);
	char *name = sanitize_str(e->name ? e->name : "");
	char *target = e->link_target ? sanitize_str(e->link_target) : NULL;

	if (e->perms[0])
		snprintf(perms, sizeof(perms), "%s", e->perms);
	else
		snprintf(perms, sizeof(perms), "%c---------",
			 e->type == ENTRY_DIR ? 'd' :
			 e->type == ENTRY_LINK ? 'l' : '-');
	if (e->nlink)
		snprintf(nlink, sizeof(nlink), "%u", e->nlink);
	else
		snprintf(nlink, sizeof(nlink), "-");
	if (e->size >= 0)
		snprintf(size, sizeof(size), "%lld", (long long)e->size);
	else
		snprintf(size, sizeof(size), "-");
	format_date(e, now_epoch, date, sizeof(date));
	if (size_w < 1 || size_w > 20)
		size_w = size_w < 1 ? 1 : 20;

	char *s = xasprintf("%s %3s %-8s %-8s %*s %s %s%s%s", perms, nlink,
			    owner, group, size_w, size, date, name,
			    target ? " -> " : "", target ? target : "");
	free(owner);
	free(group);
	free(name);
	free(target);
	return s;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if there is none. */
int entry_name_is_safe(const char *name)
{
	if (!name || !*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	size_t len = strlen(name);
	const unsigned char *p = (const unsigned char *)name, *end = p + len;
	while (p < end) {
		uint32_t cp = 0;
		size_t n = sanitize_utf8_decode(p, (size_t)(end - p), &cp);
		if (*p == '/' || *p == '\\')
			return 0;
		/* A lone byte 0x80..0x9F is a C1 control to an 8-bit terminal
		 * (0x9B is CSI); other non-UTF-8 bytes (Latin-1 letters) pass. */
		if (n == 0 ? *p >= 0x80 && *p <= 0x9f : sanitize_codepoint_is_control(cp))
			return 0;
		p += n ? n : 1;
	}
	return 1;
}
