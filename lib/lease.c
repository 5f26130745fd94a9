/* lease.c: the DHCP lease database (see lease.h) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "dhcp.h"
#include "file.h"
#include "lease.h"
#include "str.h"
#include "val.h"

#define SNAP "leases.snap"
#define SNAP_TMP "leases.snap.tmp"	/* what older versions left */
#define LOCK "leases.lock"
#define JNL "leases.jnl."
#define LINE_MAX_LEN 800
#define FILE_MAX ((size_t)1 << 30)
#define MAX_JOURNALS 4096

struct pool {
	int tag;
	uint32_t first, last, hint;
};

struct resv {
	int tag;
	int by_key;
	size_t idlen;
	uint8_t id[ZTP_LEASE_KEY_MAX];
	uint32_t ip;
};

struct ztp_lease_db {
	struct ztp_lease *recs;	/* slots; state FREE is an empty slot */
	size_t nrecs, caprecs, count;
	size_t *freeslots;
	size_t nfree;
	int32_t *byip, *bykey;	/* linear probing; -1 empty */
	/* the records of each port and of each hardware address, chained
	 * (a flood's or a busy relay's thousands share one value: chains,
	 * not probe sequences of one hash) */
	struct group {
		uint64_t *val;		/* head table: value, 0 empty */
		int32_t *head;		/* its first record */
		size_t size, used;	/* power of two */
		int32_t *next, *prev;	/* per record slot */
	} byport, byhw;
	size_t hsize;		/* power of two */
	struct pool *pools;
	size_t npools;
	struct resv *resv;
	size_t nresv;
	/* durability */
	char *dir;
	int dirfd, lockfd, jfd;
	unsigned long gen;	/* generation of the live journal */
	uint64_t seq;		/* sequence number of the last change */
	struct ztp_buf pend;	/* journal lines not yet written */
	size_t npend, jlines;
	off_t jsynced;		/* journal length known to be on disk */
	size_t torn;		/* bytes cut off at open */
	int compacting;
};

struct ztp_lease_compaction {
	int dirfd;		/* a dup: the job owns it */
	unsigned long newgen;
	struct ztp_buf snap;
};

/* ---- small helpers ---- */

static uint32_t crc32(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t c = 0xffffffff;
	int k;

	while (n--) {
		c ^= *b++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320 & (0u - (c & 1)));
	}
	return ~c;
}

static uint32_t hash_ip(uint32_t ip)
{
	ip ^= ip >> 16;
	ip *= 0x7feb352d;
	ip ^= ip >> 15;
	ip *= 0x846ca68b;
	ip ^= ip >> 16;
	return ip;
}

static uint32_t hash_key(const uint8_t *k, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *k++) * 16777619u;
	return h;
}

/* the value a record has in a group, 0 none */
static uint64_t hw_val(uint8_t htype, uint8_t hlen, const uint8_t *hw)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	if (hlen == 0)
		return 0;
	h = (h ^ htype) * 1099511628211ULL;
	for (i = 0; i < hlen; i++)
		h = (h ^ hw[i]) * 1099511628211ULL;
	return h ? h : 1;
}

static uint32_t hash_val(uint64_t v)
{
	return hash_ip((uint32_t)(v ^ v >> 32));
}

int ztp_lease_state_at(const struct ztp_lease *l, time_t now)
{
	switch (l->state) {
	case ZTP_LEASE_OFFERED:
	case ZTP_LEASE_DECLINED:
		return l->ends <= now ? ZTP_LEASE_FREE : l->state;
	case ZTP_LEASE_BOUND:
		return l->ends <= now ? ZTP_LEASE_EXPIRED : l->state;
	default:
		return l->state;
	}
}

static const char statechars[] = "FOBRED";

const char *ztp_lease_state_name(int state)
{
	static const char *const names[] = {
		"free", "offered", "bound", "released", "expired", "declined",
	};

	if (state < 0 || state > ZTP_LEASE_DECLINED)
		return "unknown";
	return names[state];
}

/* ---- the table ---- */

static int same_key(const struct ztp_lease *l, const uint8_t *k, size_t n)
{
	return l->keylen == n && memcmp(l->key, k, n) == 0;
}

static long find_ip(const struct ztp_lease_db *db, uint32_t ip)
{
	size_t m = db->hsize - 1, i;

	if (db->hsize == 0)
		return -1;
	for (i = hash_ip(ip) & m; db->byip[i] >= 0; i = (i + 1) & m)
		if (db->recs[db->byip[i]].ip == ip)
			return db->byip[i];
	return -1;
}

static long find_key(const struct ztp_lease_db *db, const uint8_t *k,
		     size_t n)
{
	size_t m = db->hsize - 1, i;

	if (db->hsize == 0 || n == 0)
		return -1;
	for (i = hash_key(k, n) & m; db->bykey[i] >= 0; i = (i + 1) & m)
		if (same_key(&db->recs[db->bykey[i]], k, n))
			return db->bykey[i];
	return -1;
}

static void hash_put(const struct ztp_lease_db *db, int32_t *t, uint32_t h,
		     int32_t idx)
{
	size_t m = db->hsize - 1, i;

	for (i = h & m; t[i] >= 0; i = (i + 1) & m)
		;
	t[i] = idx;
}

/* the indexes: which table holds which records, by which hash */
enum { BY_IP, BY_KEY };

static uint32_t rec_hash(const struct ztp_lease_db *db, int by, int32_t idx)
{
	const struct ztp_lease *l = &db->recs[idx];

	switch (by) {
	case BY_KEY: return hash_key(l->key, l->keylen);
	default: return hash_ip(l->ip);
	}
}

static int indexed(const struct ztp_lease *l, int by)
{
	switch (by) {
	case BY_KEY: return l->keylen > 0;
	default: return 1;
	}
}

static int32_t *table(const struct ztp_lease_db *db, int by)
{
	switch (by) {
	case BY_KEY: return db->bykey;
	default: return db->byip;
	}
}

/* backward-shift deletion keeps probe chains intact without tombstones */
static void hash_del(const struct ztp_lease_db *db, int32_t *t, int by,
		     int32_t idx)
{
	size_t m = db->hsize - 1, i, j, h;
	uint32_t hv = rec_hash(db, by, idx);

	for (i = hv & m; t[i] != idx; i = (i + 1) & m)
		if (t[i] < 0)
			return;
	for (j = (i + 1) & m; t[j] >= 0; j = (j + 1) & m) {
		h = rec_hash(db, by, t[j]) & m;
		/* move t[j] to the hole at i when its home is not in (i, j] */
		if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
			t[i] = t[j];
			i = j;
		}
	}
	t[i] = -1;
}

static void rehash(struct ztp_lease_db *db, size_t size)
{
	int32_t **t[2] = { &db->byip, &db->bykey };
	size_t i;
	int by;

	db->hsize = size;
	for (by = BY_IP; by <= BY_KEY; by++) {
		free(*t[by]);
		*t[by] = ztp_xcalloc(size, sizeof **t[by]);
		memset(*t[by], 0xff, size * sizeof **t[by]);
	}
	for (i = 0; i < db->nrecs; i++) {
		if (db->recs[i].state == ZTP_LEASE_FREE)
			continue;
		for (by = BY_IP; by <= BY_KEY; by++)
			if (indexed(&db->recs[i], by))
				hash_put(db, table(db, by),
					 rec_hash(db, by, (int32_t)i),
					 (int32_t)i);
	}
}

/* the head slot of v in g, or the empty slot where it goes */
static size_t group_slot(const struct group *g, uint64_t v)
{
	size_t m = g->size - 1, i;

	for (i = hash_val(v) & m; g->val[i] != 0 && g->val[i] != v;
	     i = (i + 1) & m)
		;
	return i;
}

static void group_grow(struct group *g)
{
	struct group old = *g;
	size_t i, j;

	g->size = old.size ? old.size * 2 : 64;
	g->val = ztp_xcalloc(g->size, sizeof *g->val);
	g->head = ztp_xcalloc(g->size, sizeof *g->head);
	for (i = 0; i < old.size; i++)
		if (old.val[i]) {
			j = group_slot(g, old.val[i]);
			g->val[j] = old.val[i];
			g->head[j] = old.head[i];
		}
	free(old.val);
	free(old.head);
}

static void group_add(struct group *g, uint64_t v, int32_t idx)
{
	size_t i;

	if ((g->used + 1) * 2 > g->size)
		group_grow(g);
	i = group_slot(g, v);
	g->prev[idx] = -1;
	if (g->val[i] == 0) {
		g->val[i] = v;
		g->used++;
		g->next[idx] = -1;
	} else {
		g->next[idx] = g->head[i];
		g->prev[g->head[i]] = idx;
	}
	g->head[i] = idx;
}

static void group_del(struct group *g, uint64_t v, int32_t idx)
{
	size_t m = g->size - 1, i = group_slot(g, v), j, h;

	if (g->val[i] != v)
		return;
	if (g->next[idx] >= 0)
		g->prev[g->next[idx]] = g->prev[idx];
	if (g->prev[idx] >= 0) {
		g->next[g->prev[idx]] = g->next[idx];
		return;
	}
	if ((g->head[i] = g->next[idx]) >= 0)
		return;
	/* the value's last record: its slot goes (backward shift) */
	g->used--;
	for (j = (i + 1) & m; g->val[j] != 0; j = (j + 1) & m) {
		h = hash_val(g->val[j]) & m;
		if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
			g->val[i] = g->val[j];
			g->head[i] = g->head[j];
			i = j;
		}
	}
	g->val[i] = 0;
}

static int32_t group_first(const struct group *g, uint64_t v)
{
	size_t i;

	if (g->size == 0 || v == 0)
		return -1;
	i = group_slot(g, v);
	return g->val[i] == v ? g->head[i] : -1;
}

static void rec_remove(struct ztp_lease_db *db, long idx)
{
	struct ztp_lease *l = &db->recs[idx];
	int by;

	for (by = BY_IP; by <= BY_KEY; by++)
		if (indexed(l, by))
			hash_del(db, table(db, by), by, (int32_t)idx);
	if (l->port)
		group_del(&db->byport, l->port, (int32_t)idx);
	if (l->hlen)
		group_del(&db->byhw, hw_val(l->htype, l->hlen, l->hw),
			  (int32_t)idx);
	l->state = ZTP_LEASE_FREE;
	if (db->nfree == db->caprecs)	/* cannot happen: nfree <= nrecs */
		abort();
	db->freeslots[db->nfree++] = (size_t)idx;
	db->count--;
}

static int rec_insert(struct ztp_lease_db *db, const struct ztp_lease *l)
{
	size_t idx;
	int by;

	if (db->count >= INT32_MAX / 4)
		return -1;
	if ((db->count + 1) * 2 > db->hsize)
		rehash(db, db->hsize ? db->hsize * 2 : 64);
	if (db->nfree > 0)
		idx = db->freeslots[--db->nfree];
	else {
		if (db->nrecs == db->caprecs) {
			db->caprecs = db->caprecs ? db->caprecs * 2 : 64;
			db->recs = ztp_xrealloc(db->recs, db->caprecs,
						sizeof *db->recs);
			db->freeslots = ztp_xrealloc(db->freeslots,
				db->caprecs, sizeof *db->freeslots);
			db->byport.next = ztp_xrealloc(db->byport.next,
				db->caprecs, sizeof *db->byport.next);
			db->byport.prev = ztp_xrealloc(db->byport.prev,
				db->caprecs, sizeof *db->byport.prev);
			db->byhw.next = ztp_xrealloc(db->byhw.next,
				db->caprecs, sizeof *db->byhw.next);
			db->byhw.prev = ztp_xrealloc(db->byhw.prev,
				db->caprecs, sizeof *db->byhw.prev);
		}
		idx = db->nrecs++;
	}
	db->recs[idx] = *l;
	for (by = BY_IP; by <= BY_KEY; by++)
		if (indexed(l, by))
			hash_put(db, table(db, by),
				 rec_hash(db, by, (int32_t)idx), (int32_t)idx);
	if (l->port)
		group_add(&db->byport, l->port, (int32_t)idx);
	if (l->hlen)
		group_add(&db->byhw, hw_val(l->htype, l->hlen, l->hw),
			  (int32_t)idx);
	db->count++;
	return 0;
}

/* The one way the table changes, live and at replay: the address's old
 * record and the client's old record go, the new one comes (unless FREE). */
static int apply(struct ztp_lease_db *db, const struct ztp_lease *l)
{
	long i;

	if ((i = find_ip(db, l->ip)) >= 0)
		rec_remove(db, i);
	if (l->keylen && (i = find_key(db, l->key, l->keylen)) >= 0)
		rec_remove(db, i);
	if (l->state == ZTP_LEASE_FREE)
		return 0;
	return rec_insert(db, l);
}

const struct ztp_lease *ztp_lease_by_ip(const struct ztp_lease_db *db,
					uint32_t ip)
{
	long i = find_ip(db, ip);

	return i < 0 ? NULL : &db->recs[i];
}

const struct ztp_lease *ztp_lease_by_key(const struct ztp_lease_db *db,
					 const uint8_t *key, size_t keylen)
{
	long i = find_key(db, key, keylen);

	return i < 0 ? NULL : &db->recs[i];
}

const struct ztp_lease *ztp_lease_next(const struct ztp_lease_db *db,
				       size_t *pos)
{
	while (*pos < db->nrecs) {
		const struct ztp_lease *l = &db->recs[(*pos)++];

		if (l->state != ZTP_LEASE_FREE)
			return l;
	}
	return NULL;
}

size_t ztp_lease_count(const struct ztp_lease_db *db)
{
	return db->count;
}

static int holding(const struct ztp_lease *l, time_t now)
{
	int st = ztp_lease_state_at(l, now);

	return st == ZTP_LEASE_OFFERED || st == ZTP_LEASE_BOUND;
}

size_t ztp_lease_held_by_port(const struct ztp_lease_db *db, uint64_t port,
			      time_t now)
{
	size_t n = 0;
	int32_t i;

	for (i = group_first(&db->byport, port); i >= 0; i = db->byport.next[i])
		if (holding(&db->recs[i], now))
			n++;
	return n;
}

size_t ztp_lease_held_by_hw(const struct ztp_lease_db *db, uint8_t htype,
			    uint8_t hlen, const uint8_t *hw, time_t now)
{
	const struct ztp_lease *l;
	size_t n = 0;
	int32_t i;

	if (hlen > 16)
		return 0;
	for (i = group_first(&db->byhw, hw_val(htype, hlen, hw)); i >= 0;
	     i = db->byhw.next[i]) {
		l = &db->recs[i];
		if (l->htype == htype && l->hlen == hlen &&
		    memcmp(l->hw, hw, hlen) == 0 && holding(l, now))
			n++;
	}
	return n;
}

/* ---- journal lines ---- */


static int unhex(const char *s, size_t slen, uint8_t *out, size_t max,
		 size_t *n)
{
	size_t i;
	int hi, lo;

	if (slen == 1 && s[0] == '-') {
		*n = 0;
		return 0;
	}
	if (slen == 0 || slen % 2 || slen / 2 > max)
		return -1;
	for (i = 0; i < slen / 2; i++) {
		hi = s[2 * i];
		lo = s[2 * i + 1];
		hi = hi >= '0' && hi <= '9' ? hi - '0' :
		     hi >= 'a' && hi <= 'f' ? hi - 'a' + 10 : -1;
		lo = lo >= '0' && lo <= '9' ? lo - '0' :
		     lo >= 'a' && lo <= 'f' ? lo - 'a' + 10 : -1;
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*n = slen / 2;
	return 0;
}

/* "<seq> <state> <ip> <start> <ends> <key|-> <htype> <hw|-> <port|-> <crc>\n"
 * (lines written before the port was kept have no port field) */
static int fmt_line(struct ztp_buf *b, uint64_t seq, const struct ztp_lease *l)
{
	char key[2 * ZTP_LEASE_KEY_MAX + 1], hw[33], ip[16], port[17];
	char line[LINE_MAX_LEN];
	int n;

	ztp_hex(key, l->key, l->keylen);
	ztp_hex(hw, l->hw, l->hlen > 16 ? 16 : l->hlen);
	ztp_dhcp_ip_fmt(l->ip, ip);
	if (snprintf(port, sizeof port, "%016llx",
		     (unsigned long long)l->port) != 16)
		return -1;
	n = snprintf(line, sizeof line, "%llu %c %s %lld %lld %s %u %s %s",
		     (unsigned long long)seq, statechars[l->state], ip,
		     (long long)l->start, (long long)l->ends,
		     l->keylen ? key : "-", l->htype, l->hlen ? hw : "-",
		     l->port ? port : "-");
	if (n < 0 || (size_t)n >= sizeof line - 10)
		return -1;
	return ztp_buf_addf(b, "%s %08x\n", line, crc32(line, (size_t)n));
}

/* Parse one line (without its newline); 0 or -1. */
static int parse_line(const char *s, size_t n, uint64_t *seq,
		      struct ztp_lease *l)
{
	const char *f[10];
	size_t fl[10], i, k = 0, hwlen, nf;
	char tmp[40];
	long long v;
	uint32_t crc;
	const char *sc;

	if (n == 0 || n >= LINE_MAX_LEN || memchr(s, '\0', n))
		return -1;
	for (i = 0; i < n && k < 10; ) {
		f[k] = s + i;
		while (i < n && s[i] != ' ')
			i++;
		fl[k] = (size_t)(s + i - f[k]);
		k++;
		if (i < n)
			i++;
	}
	if ((k != 9 && k != 10) || i != n || fl[k - 1] != 8)
		return -1;
	nf = k - 1;	/* the fields before the crc: 9 with the port */
	/* crc over everything before the last space */
	for (crc = 0, i = 0; i < 8; i++) {
		int d = f[nf][i];

		d = d >= '0' && d <= '9' ? d - '0' :
		    d >= 'a' && d <= 'f' ? d - 'a' + 10 : -1;
		if (d < 0)
			return -1;
		crc = crc << 4 | (uint32_t)d;
	}
	if (crc != crc32(s, (size_t)(f[nf] - 1 - s)))
		return -1;
	memset(l, 0, sizeof *l);
#define FIELD(j) (fl[j] < sizeof tmp ? (memcpy(tmp, f[j], fl[j]), \
		  tmp[fl[j]] = '\0', tmp) : NULL)
	if (!FIELD(0) || ztp_parse_ll(tmp, 0, LLONG_MAX, &v) < 0)
		return -1;
	*seq = (uint64_t)v;
	if (fl[1] != 1 || (sc = strchr(statechars, f[1][0])) == NULL ||
	    f[1][0] == '\0')
		return -1;
	l->state = (int)(sc - statechars);
	if (!FIELD(2) || ztp_dhcp_ip_parse(tmp, &l->ip) < 0)
		return -1;
	if (!FIELD(3) || ztp_parse_ll(tmp, -(1LL << 40), 1LL << 40, &v) < 0)
		return -1;
	l->start = (time_t)v;
	if (!FIELD(4) || ztp_parse_ll(tmp, -(1LL << 40), 1LL << 40, &v) < 0)
		return -1;
	l->ends = (time_t)v;
	if (unhex(f[5], fl[5], l->key, sizeof l->key, &l->keylen) < 0)
		return -1;
	if (!FIELD(6) || ztp_parse_ll(tmp, 0, 255, &v) < 0)
		return -1;
	l->htype = (uint8_t)v;
	if (unhex(f[7], fl[7], l->hw, sizeof l->hw, &hwlen) < 0)
		return -1;
	l->hlen = (uint8_t)hwlen;
	if (nf == 9 && !(fl[8] == 1 && f[8][0] == '-')) {
		uint8_t pb[8];
		size_t pn, j;

		if (fl[8] != 16 || unhex(f[8], fl[8], pb, sizeof pb, &pn) < 0 ||
		    pn != 8)
			return -1;
		for (j = 0; j < 8; j++)
			l->port = l->port << 8 | pb[j];
		if (l->port == 0)
			return -1;
	}
#undef FIELD
	if (l->state == ZTP_LEASE_DECLINED && l->keylen)
		return -1;
	return 0;
}

static int journal(struct ztp_lease_db *db, const struct ztp_lease *l,
		   struct ztp_err *e)
{
	if (db->dir == NULL) {
		db->seq++;
		return 0;
	}
	if (fmt_line(&db->pend, db->seq + 1, l) < 0)
		return ztp_err_set(e, ZTP_ERR_LIMIT,
				   "cannot record lease: journal buffer full");
	db->seq++;
	db->npend++;
	return 0;
}

/* apply a live change and journal it */
static int change(struct ztp_lease_db *db, const struct ztp_lease *l,
		  struct ztp_err *e)
{
	int rc;

	if ((rc = journal(db, l, e)) < 0)
		return rc;
	if (apply(db, l) < 0)
		return ztp_err_set(e, ZTP_ERR_LIMIT,
				   "cannot record lease: table full");
	return 0;
}

/* ---- configuration ---- */

int ztp_lease_add_pool(struct ztp_lease_db *db, int tag, uint32_t first,
		       uint32_t last, struct ztp_err *e)
{
	char a[16], b[16];

	if (first > last) {
		ztp_dhcp_ip_fmt(first, a);
		ztp_dhcp_ip_fmt(last, b);
		return ztp_err_set(e, ZTP_ERR_CONFIG,
				   "cannot add pool '%s-%s': first address "
				   "after last", a, b);
	}
	db->pools = ztp_xrealloc(db->pools, db->npools + 1, sizeof *db->pools);
	db->pools[db->npools++] = (struct pool){ tag, first, last, first };
	return 0;
}

int ztp_lease_add_reservation(struct ztp_lease_db *db, int tag, int by_key,
			      const uint8_t *id, size_t idlen, uint32_t ip,
			      struct ztp_err *e)
{
	struct resv *r;
	char a[16];
	size_t i;

	if (idlen == 0 || idlen > ZTP_LEASE_KEY_MAX || (!by_key && idlen != 6))
		return ztp_err_set(e, ZTP_ERR_CONFIG,
				   "cannot add reservation: bad %s length %zu",
				   by_key ? "client id" : "MAC", idlen);
	for (i = 0; i < db->nresv; i++)
		if (db->resv[i].ip == ip ||
		    (db->resv[i].by_key == by_key && db->resv[i].tag == tag &&
		     db->resv[i].idlen == idlen &&
		     memcmp(db->resv[i].id, id, idlen) == 0)) {
			ztp_dhcp_ip_fmt(ip, a);
			return ztp_err_set(e, ZTP_ERR_CONFIG,
					   "cannot add reservation for '%s': "
					   "address or client reserved twice",
					   a);
		}
	db->resv = ztp_xrealloc(db->resv, db->nresv + 1, sizeof *db->resv);
	/* kept sorted by address for resv_of() */
	for (i = db->nresv; i > 0 && db->resv[i - 1].ip > ip; i--)
		;
	memmove(&db->resv[i + 1], &db->resv[i],
		(db->nresv - i) * sizeof *db->resv);
	db->nresv++;
	r = &db->resv[i];
	r->tag = tag;
	r->by_key = by_key;
	r->idlen = idlen;
	memcpy(r->id, id, idlen);
	r->ip = ip;
	return 0;
}

int ztp_lease_in_pool(const struct ztp_lease_db *db, int tag, uint32_t ip)
{
	size_t i;

	for (i = 0; i < db->npools; i++)
		if ((tag < 0 || db->pools[i].tag == tag) &&
		    ip >= db->pools[i].first && ip <= db->pools[i].last)
			return 1;
	return 0;
}

static int resv_matches(const struct resv *r, const struct ztp_lease_client *c)
{
	if (r->by_key)
		return c->keylen == r->idlen &&
		       memcmp(c->key, r->id, r->idlen) == 0;
	return c->htype == 1 && c->hlen == 6 && c->hw != NULL &&
	       memcmp(c->hw, r->id, 6) == 0;
}

static int tag_ok(int a, int b)
{
	return a < 0 || b < 0 || a == b;
}

int ztp_lease_reserved_for(const struct ztp_lease_db *db, int tag,
			   const struct ztp_lease_client *c, uint32_t *ip)
{
	size_t i;

	for (i = 0; i < db->nresv; i++)
		if (tag_ok(tag, db->resv[i].tag) &&
		    resv_matches(&db->resv[i], c)) {
			*ip = db->resv[i].ip;
			return 1;
		}
	return 0;
}

/* the reservation of ip, or NULL */
static const struct resv *resv_of(const struct ztp_lease_db *db, uint32_t ip)
{
	size_t lo = 0, hi = db->nresv, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (db->resv[mid].ip == ip)
			return &db->resv[mid];
		if (db->resv[mid].ip < ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- allocation ---- */

/* 2: nobody ever had it (or its record is gone); 1: another client let it
 * go (released, expired, offer or quarantine over); 0: taken.  Pools and
 * reservations are checked by the caller. */
static int freeness(const struct ztp_lease_db *db,
		    const struct ztp_lease_client *c, uint32_t ip, time_t now)
{
	const struct ztp_lease *l = ztp_lease_by_ip(db, ip);
	int st;

	if (l == NULL)
		return 2;
	if (c && c->keylen && same_key(l, c->key, c->keylen))
		return 2;
	st = ztp_lease_state_at(l, now);
	if (st == ZTP_LEASE_OFFERED || st == ZTP_LEASE_BOUND ||
	    st == ZTP_LEASE_DECLINED)
		return 0;
	return 1;
}

int ztp_lease_usable(const struct ztp_lease_db *db, int tag,
		     const struct ztp_lease_client *c, uint32_t ip, time_t now)
{
	const struct resv *r = resv_of(db, ip);

	if (r != NULL && !resv_matches(r, c))
		return 0;
	/* c's own reservation, for this subnet, needs no pool */
	if ((r == NULL || !tag_ok(tag, r->tag)) &&
	    !ztp_lease_in_pool(db, tag, ip))
		return 0;
	return freeness(db, c, ip, now) > 0;
}

int ztp_lease_pick(const struct ztp_lease_db *db, int tag,
		   const struct ztp_lease_client *c, uint32_t requested,
		   time_t now, uint32_t *ip, struct ztp_err *e)
{
	const struct ztp_lease *l;
	uint32_t r, a, second = 0;
	int have_second = 0;
	size_t i;

	if (ztp_lease_reserved_for(db, tag, c, &r) &&
	    freeness(db, c, r, now) > 0) {
		*ip = r;
		return 0;
	}
	l = ztp_lease_by_key(db, c->key, c->keylen);
	if (l != NULL && ztp_lease_usable(db, tag, c, l->ip, now)) {
		*ip = l->ip;
		return 0;
	}
	if (requested && ztp_lease_usable(db, tag, c, requested, now)) {
		*ip = requested;
		return 0;
	}
	for (i = 0; i < db->npools; i++) {
		struct pool *p = &db->pools[i];
		uint64_t n, k;

		if (tag >= 0 && p->tag != tag)
			continue;
		n = (uint64_t)p->last - p->first + 1;
		if (p->hint < p->first || p->hint > p->last)
			p->hint = p->first;
		for (k = 0; k < n; k++) {
			int f;

			a = p->first + (uint32_t)((p->hint - p->first + k) % n);
			if (resv_of(db, a) != NULL)
				continue;
			f = freeness(db, NULL, a, now);
			if (f == 2) {
				p->hint = a;	/* a cache only */
				*ip = a;
				return 0;
			}
			if (f == 1 && !have_second) {
				second = a;
				have_second = 1;
			}
		}
	}
	if (have_second) {
		*ip = second;
		return 0;
	}
	return ztp_err_set(e, ZTP_ERR_NOTFOUND,
			   "cannot find a free address: the pools are full");
}

/* ---- changes ---- */

static void fill(struct ztp_lease *l, const struct ztp_lease_client *c,
		 uint32_t ip, int state, time_t start, time_t ends)
{
	memset(l, 0, sizeof *l);
	l->ip = ip;
	l->state = state;
	l->start = start;
	l->ends = ends;
	if (c != NULL) {
		l->keylen = c->keylen > ZTP_LEASE_KEY_MAX ? ZTP_LEASE_KEY_MAX :
			    c->keylen;
		memcpy(l->key, c->key, l->keylen);
		l->htype = c->htype;
		l->hlen = c->hlen > 16 ? 16 : c->hlen;
		if (c->hw)
			memcpy(l->hw, c->hw, l->hlen);
		l->port = c->port;
	}
}

static int give(struct ztp_lease_db *db, const struct ztp_lease_client *c,
		uint32_t ip, int state, time_t now, time_t ends,
		struct ztp_err *e)
{
	struct ztp_lease l;
	const struct resv *r = resv_of(db, ip);
	char a[16];

	if (c->keylen == 0 || c->keylen > ZTP_LEASE_KEY_MAX)
		return ztp_err_set(e, ZTP_ERR_USAGE,
				   "cannot record lease: client key of %zu "
				   "bytes", c->keylen);
	if (freeness(db, c, ip, now) == 0 || (r && !resv_matches(r, c))) {
		ztp_dhcp_ip_fmt(ip, a);
		return ztp_err_set(e, ZTP_ERR_BUSY,
				   "cannot give '%s': another client holds it",
				   a);
	}
	fill(&l, c, ip, state, now, ends);
	return change(db, &l, e);
}

int ztp_lease_offer(struct ztp_lease_db *db, const struct ztp_lease_client *c,
		    uint32_t ip, time_t now, time_t ends, struct ztp_err *e)
{
	const struct ztp_lease *l = ztp_lease_by_ip(db, ip);

	/* a bound client that starts over keeps its lease as it is */
	if (l != NULL && same_key(l, c->key, c->keylen) && c->keylen &&
	    ztp_lease_state_at(l, now) == ZTP_LEASE_BOUND)
		return 0;
	return give(db, c, ip, ZTP_LEASE_OFFERED, now, ends, e);
}

int ztp_lease_bind(struct ztp_lease_db *db, const struct ztp_lease_client *c,
		   uint32_t ip, time_t now, time_t ends, struct ztp_err *e)
{
	return give(db, c, ip, ZTP_LEASE_BOUND, now, ends, e);
}

int ztp_lease_release(struct ztp_lease_db *db,
		      const struct ztp_lease_client *c, uint32_t ip,
		      time_t now, struct ztp_err *e)
{
	const struct ztp_lease *old = ztp_lease_by_ip(db, ip);
	struct ztp_lease l;
	char a[16];

	if (old == NULL || !same_key(old, c->key, c->keylen) ||
	    c->keylen == 0) {
		ztp_dhcp_ip_fmt(ip, a);
		return ztp_err_set(e, ZTP_ERR_NOTFOUND,
				   "cannot release '%s': the client does not "
				   "hold it", a);
	}
	l = *old;
	l.state = ZTP_LEASE_RELEASED;
	l.ends = now;
	return change(db, &l, e);
}

int ztp_lease_quarantine(struct ztp_lease_db *db, uint32_t ip, time_t now,
			 time_t until, struct ztp_err *e)
{
	struct ztp_lease l;

	fill(&l, NULL, ip, ZTP_LEASE_DECLINED, now, until);
	return change(db, &l, e);
}

int ztp_lease_forget(struct ztp_lease_db *db, uint32_t ip, struct ztp_err *e)
{
	struct ztp_lease l;

	if (ztp_lease_by_ip(db, ip) == NULL)
		return 0;
	fill(&l, NULL, ip, ZTP_LEASE_FREE, 0, 0);
	return change(db, &l, e);
}

int ztp_lease_prune(struct ztp_lease_db *db, time_t before, struct ztp_err *e)
{
	size_t i;
	int n = 0, st, rc;

	for (i = 0; i < db->nrecs; i++) {
		const struct ztp_lease *l = &db->recs[i];

		if (l->state == ZTP_LEASE_FREE || l->ends >= before)
			continue;
		st = ztp_lease_state_at(l, before);
		if (st != ZTP_LEASE_FREE && st != ZTP_LEASE_EXPIRED &&
		    st != ZTP_LEASE_RELEASED)
			continue;
		/* removal only frees the slot: the loop can go on */
		if ((rc = ztp_lease_forget(db, l->ip, e)) < 0)
			return rc;
		n++;
	}
	return n;
}

/* ---- durability ---- */

size_t ztp_lease_pending(const struct ztp_lease_db *db)
{
	return db->npend;
}

size_t ztp_lease_torn_bytes(const struct ztp_lease_db *db)
{
	return db->torn;
}

size_t ztp_lease_journal_lines(const struct ztp_lease_db *db)
{
	return db->jlines;
}

static char *jname(char *out, size_t sz, unsigned long gen)
{
	int n = snprintf(out, sz, JNL "%lu", gen);

	return n < 0 || (size_t)n >= sz ? NULL : out;
}

int ztp_lease_sync(struct ztp_lease_db *db, struct ztp_err *e)
{
	if (db->dir == NULL || db->npend == 0)
		return 0;
	if (ztp_write_all(db->jfd, db->pend.p, db->pend.len) < 0 ||
	    fdatasync(db->jfd) < 0) {
		int saved = errno;

		/* take back what may have been written; keep it pending */
		if (ftruncate(db->jfd, db->jsynced) < 0) {
			/* the write error below is the one to report */
		}
		errno = saved;
		return ztp_err_sys(e, "cannot write lease journal in '%s'",
				   db->dir);
	}
	db->jsynced += (off_t)db->pend.len;
	db->jlines += db->npend;
	db->npend = 0;
	ztp_buf_reset(&db->pend);
	return 0;
}

static int fsync_dir(int dirfd, const char *dir, struct ztp_err *e)
{
	if (fsync(dirfd) < 0)
		return ztp_err_sys(e, "cannot sync directory '%s'", dir);
	return 0;
}

/* Replay one file.  Snapshot: header, lines, trailer, all required.
 * Journal: lines with contiguous sequence numbers; at the first bad line
 * the rest is a torn tail when last (cut off at *cut), else corruption. */
static int replay(struct ztp_lease_db *db, const char *name, const char *buf,
		  size_t len, int is_snap, int last, off_t *cut,
		  struct ztp_err *e)
{
	size_t pos = 0, lineno = 0, count = 0;
	struct ztp_lease l;
	uint64_t seq;
	const char *nl;
	int done = 0;

	*cut = -1;
	while (pos < len) {
		nl = memchr(buf + pos, '\n', len - pos);
		lineno++;
		if (nl == NULL)
			goto bad;
		if (is_snap && lineno == 1) {
			unsigned long g;
			unsigned long long s;
			char tail;

			if (sscanf(buf, "ztp-leases 1 %lu %llu%c", &g, &s,
				   &tail) != 3 || tail != '\n')
				goto bad;
			db->gen = g;
			db->seq = s;
		} else if (is_snap && (size_t)(nl - buf - pos) > 4 &&
			   memcmp(buf + pos, "end ", 4) == 0) {
			char num[24];
			long long n;
			size_t nlen = (size_t)(nl - buf - pos) - 4;

			if (nlen >= sizeof num)
				goto bad;
			memcpy(num, buf + pos + 4, nlen);
			num[nlen] = '\0';
			if (ztp_parse_ll(num, 0, LLONG_MAX, &n) < 0 ||
			    (size_t)n != count || (size_t)(nl - buf) + 1 != len)
				goto bad;
			done = 1;
		} else {
			if (parse_line(buf + pos, (size_t)(nl - buf - pos), &seq,
				       &l) < 0)
				goto bad;
			if (!is_snap) {
				if (seq <= db->seq)	/* already in */
					goto next;
				if (seq != db->seq + 1)
					goto bad;	/* a line is missing */
				db->seq = seq;
				db->jlines++;
			}
			if (apply(db, &l) < 0)
				return ztp_err_set(e, ZTP_ERR_LIMIT,
						   "cannot load '%s': too many "
						   "leases", name);
			count++;
		}
next:
		pos = (size_t)(nl - buf) + 1;
	}
	if (is_snap && !done)
		return ztp_err_set(e, ZTP_ERR_PARSE,
				   "cannot load lease snapshot '%s/%s': it is "
				   "cut short; move it away to start from the "
				   "journals", db->dir, name);
	return 0;
bad:
	if (is_snap || !last)
		return ztp_err_set(e, ZTP_ERR_PARSE,
				   "cannot load lease %s '%s/%s': line %zu is "
				   "corrupt; move the file away to start "
				   "without it", is_snap ? "snapshot" : "journal",
				   db->dir, name, lineno);
	*cut = (off_t)pos;	/* torn tail of the live journal */
	return 0;
}

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a,
		      y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static int read_at(struct ztp_lease_db *db, const char *name,
		   struct ztp_buf *b, struct ztp_err *e)
{
	int fd = openat(db->dirfd, name, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return errno == ENOENT ? 1 :
		       ztp_err_sys(e, "cannot open '%s/%s'", db->dir, name);
	ztp_buf_reset(b);
	rc = ztp_buf_read_fd(b, fd, FILE_MAX, name, e);
	close(fd);
	return rc < 0 ? rc : 0;
}

static int load(struct ztp_lease_db *db, struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	unsigned long *gens = NULL, g;
	size_t ngens = 0, i;
	DIR *d = NULL;
	struct dirent *de;
	char name[64];
	off_t cut = -1;
	int rc, fd;

	db->gen = 0;
	db->seq = 0;
	if ((rc = read_at(db, SNAP, &b, e)) < 0)
		goto out;
	if (rc == 0 &&
	    (rc = replay(db, SNAP, b.p ? b.p : "", b.len, 1, 0, &cut, e)) < 0)
		goto out;
	if ((fd = dup(db->dirfd)) < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		rc = ztp_err_sys(e, "cannot read directory '%s'", db->dir);
		goto out;
	}
	rewinddir(d);	/* the offset is shared with every dup */
	gens = ztp_xcalloc(MAX_JOURNALS, sizeof *gens);
	while ((de = readdir(d)) != NULL) {
		long long v;

		if (!ztp_startswith(de->d_name, JNL) ||
		    ztp_parse_ll(de->d_name + strlen(JNL), 0, 1LL << 40, &v) < 0)
			continue;
		if (ngens == MAX_JOURNALS) {
			rc = ztp_err_set(e, ZTP_ERR_LIMIT,
					 "cannot load leases from '%s': more "
					 "than %d journals", db->dir,
					 MAX_JOURNALS);
			goto out;
		}
		gens[ngens++] = (unsigned long)v;
	}
	qsort(gens, ngens, sizeof *gens, cmp_ul);
	for (i = 0; i < ngens; i++) {
		jname(name, sizeof name, gens[i]);
		if (gens[i] < db->gen) {	/* in the snapshot already */
			unlinkat(db->dirfd, name, 0);
			continue;
		}
		if ((rc = read_at(db, name, &b, e)) < 0)
			goto out;
		if ((rc = replay(db, name, b.p ? b.p : "", b.len, 0,
				 i == ngens - 1, &cut, e)) < 0)
			goto out;
	}
	g = ngens > 0 && gens[ngens - 1] >= db->gen ? gens[ngens - 1] :
	    (db->gen ? db->gen : 1);
	jname(name, sizeof name, g);
	db->jfd = openat(db->dirfd, name,
			 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (db->jfd < 0) {
		rc = ztp_err_sys(e, "cannot open '%s/%s'", db->dir, name);
		goto out;
	}
	if (cut >= 0)
		db->torn = (size_t)(b.len - (size_t)cut);
	if (cut >= 0 && ftruncate(db->jfd, cut) < 0) {
		rc = ztp_err_sys(e, "cannot cut the torn end of '%s/%s'",
				 db->dir, name);
		goto out;
	}
	if ((db->jsynced = lseek(db->jfd, 0, SEEK_END)) < 0 ||
	    fsync(db->jfd) < 0) {
		rc = ztp_err_sys(e, "cannot sync '%s/%s'", db->dir, name);
		goto out;
	}
	db->gen = g;
	rc = fsync_dir(db->dirfd, db->dir, e);
out:
	if (d)
		closedir(d);
	free(gens);
	ztp_buf_free(&b);
	return rc;
}

int ztp_lease_open(struct ztp_lease_db **dbp, const char *dir,
		   struct ztp_err *e)
{
	struct ztp_lease_db *db = ztp_xmalloc(sizeof *db);
	int rc;

	memset(db, 0, sizeof *db);
	db->dirfd = db->lockfd = db->jfd = -1;
	ztp_buf_init(&db->pend, (size_t)256 << 20);
	*dbp = NULL;
	if (dir == NULL) {
		*dbp = db;
		return 0;
	}
	db->dir = ztp_xstrdup(dir);
	if ((rc = ztp_mkdirs(dir, 0700, e)) < 0) {
		ztp_err_prefix(e, "cannot create lease directory '%s'", dir);
		goto fail;
	}
	if ((db->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = ztp_err_sys(e, "cannot open lease directory '%s'", dir);
		goto fail;
	}
	db->lockfd = openat(db->dirfd, LOCK, O_RDWR | O_CREAT | O_CLOEXEC,
			    0600);
	if (db->lockfd < 0) {
		rc = ztp_err_sys(e, "cannot open '%s/" LOCK "'", dir);
		goto fail;
	}
	if (flock(db->lockfd, LOCK_EX | LOCK_NB) < 0) {
		rc = errno == EWOULDBLOCK ?
		     ztp_err_set(e, ZTP_ERR_BUSY,
				 "cannot lock lease directory '%s': another "
				 "process uses it", dir) :
		     ztp_err_sys(e, "cannot lock '%s/" LOCK "'", dir);
		goto fail;
	}
	/* snapshots a crash left half-written (the lock is ours: nobody
	 * else writes one now) */
	unlinkat(db->dirfd, SNAP_TMP, 0);
	ztp_file_sweep_at(db->dirfd, 0);
	if ((rc = load(db, e)) < 0)
		goto fail;
	*dbp = db;
	return 0;
fail:
	ztp_lease_close(db);
	return rc;
}

void ztp_lease_close(struct ztp_lease_db *db)
{
	if (db == NULL)
		return;
	if (db->jfd >= 0)
		close(db->jfd);
	if (db->lockfd >= 0)
		close(db->lockfd);
	if (db->dirfd >= 0)
		close(db->dirfd);
	free(db->dir);
	free(db->recs);
	free(db->freeslots);
	free(db->byip);
	free(db->bykey);
	free(db->byport.val);
	free(db->byport.head);
	free(db->byport.next);
	free(db->byport.prev);
	free(db->byhw.val);
	free(db->byhw.head);
	free(db->byhw.next);
	free(db->byhw.prev);
	free(db->pools);
	free(db->resv);
	ztp_buf_free(&db->pend);
	free(db);
}

/* ---- compaction ---- */

int ztp_lease_compact_start(struct ztp_lease_db *db,
			    struct ztp_lease_compaction **jobp,
			    struct ztp_err *e)
{
	struct ztp_lease_compaction *job;
	char name[64];
	size_t i, count = 0;
	int fd, rc;

	*jobp = NULL;
	if (db->compacting)
		return ztp_err_set(e, ZTP_ERR_BUSY,
				   "cannot compact leases in '%s': already "
				   "running", db->dir ? db->dir : "memory");
	job = ztp_xmalloc(sizeof *job);
	memset(job, 0, sizeof *job);
	job->dirfd = -1;
	ztp_buf_init(&job->snap, FILE_MAX);
	if (db->dir == NULL) {
		*jobp = job;
		db->compacting = 1;
		return 0;
	}
	if ((rc = ztp_lease_sync(db, e)) < 0)
		goto fail;
	job->newgen = db->gen + 1;
	jname(name, sizeof name, job->newgen);
	fd = openat(db->dirfd, name,
		    O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = ztp_err_sys(e, "cannot create '%s/%s'", db->dir, name);
		goto fail;
	}
	if ((rc = fsync_dir(db->dirfd, db->dir, e)) < 0 ||
	    (job->dirfd = dup(db->dirfd)) < 0) {
		if (rc == 0)
			rc = ztp_err_sys(e, "cannot compact leases");
		close(fd);
		unlinkat(db->dirfd, name, 0);
		goto fail;
	}
	close(db->jfd);
	db->jfd = fd;
	db->gen = job->newgen;
	db->jsynced = 0;
	db->jlines = 0;
	if (ztp_buf_addf(&job->snap, "ztp-leases 1 %lu %llu\n", job->newgen,
			 (unsigned long long)db->seq) < 0)
		goto nomem;
	for (i = 0; i < db->nrecs; i++) {
		if (db->recs[i].state == ZTP_LEASE_FREE)
			continue;
		if (fmt_line(&job->snap, db->seq, &db->recs[i]) < 0)
			goto nomem;
		count++;
	}
	if (ztp_buf_addf(&job->snap, "end %zu\n", count) < 0)
		goto nomem;
	db->compacting = 1;
	*jobp = job;
	return 0;
nomem:
	rc = ztp_err_set(e, ZTP_ERR_LIMIT,
			 "cannot compact leases in '%s': snapshot too large",
			 db->dir);
fail:
	if (job->dirfd >= 0)
		close(job->dirfd);
	ztp_buf_free(&job->snap);
	free(job);
	return rc;
}

int ztp_lease_compact_run(struct ztp_lease_compaction *job, struct ztp_err *e)
{
	struct dirent *de;
	DIR *d;
	int dfd, rc;

	if (job->dirfd < 0)
		return 0;	/* memory only */
	if ((rc = ztp_file_replace_at(job->dirfd, SNAP, job->snap.p, job->snap.len,
				      0600, e)) < 0)
		return rc;
	/* the journals before the new one are in the snapshot now */
	if ((dfd = dup(job->dirfd)) < 0 || (d = fdopendir(dfd)) == NULL) {
		if (dfd >= 0)
			close(dfd);
		return 0;	/* they will go at the next open */
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		long long v;

		if (ztp_startswith(de->d_name, JNL) &&
		    ztp_parse_ll(de->d_name + strlen(JNL), 0, 1LL << 40, &v) == 0 &&
		    (unsigned long)v < job->newgen)
			unlinkat(job->dirfd, de->d_name, 0);
	}
	closedir(d);
	return 0;
}

void ztp_lease_compact_finish(struct ztp_lease_db *db,
			      struct ztp_lease_compaction *job)
{
	if (job == NULL)
		return;
	db->compacting = 0;
	if (job->dirfd >= 0)
		close(job->dirfd);
	ztp_buf_free(&job->snap);
	free(job);
}

int ztp_lease_compact(struct ztp_lease_db *db, struct ztp_err *e)
{
	struct ztp_lease_compaction *job;
	int rc;

	if ((rc = ztp_lease_compact_start(db, &job, e)) < 0)
		return rc;
	rc = ztp_lease_compact_run(job, e);
	ztp_lease_compact_finish(db, job);
	return rc;
}
