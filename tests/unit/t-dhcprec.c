/* t-dhcprec.c: the device records of ztp-dhcpd without sockets: the one
 * builder (rack, port, console, subnet), a crash between a durable lease
 * and its record (the rederive at start), a spool that refuses puts (the
 * records come back once it takes them), and a full queue (owed records
 * made from their leases). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhcpconf.h"
#include "dhcprec.h"
#include "lease.h"
#include "log.h"
#include "record.h"
#include "spool.h"
#include "str.h"
#include "tap.h"
#include "val.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static char dir[] = "/tmp/t-dhcprec.XXXXXX";
static char sdir[300], ldir[300];
static struct ztp_conf *conf;
static struct ztp_dhcpconf *cf;
static uint8_t keys[8][7];
static struct ztp_lease_client C[8];

/* the writer's lines; a "discovered" line waits at the gate (the test
 * holds it to keep the writer busy) */
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t seen_mu = PTHREAD_MUTEX_INITIALIZER;
static int refused, discovered, atgate;

static void rlog(void *ctx, int level, const char *msg)
{
	(void)ctx;
	(void)level;
	pthread_mutex_lock(&seen_mu);
	if (strstr(msg, "spool the record of"))
		refused++;
	pthread_mutex_unlock(&seen_mu);
	if (strncmp(msg, "discovered ", 11) == 0) {
		pthread_mutex_lock(&seen_mu);
		atgate++;
		pthread_mutex_unlock(&seen_mu);
		pthread_mutex_lock(&gate);
		pthread_mutex_unlock(&gate);
		pthread_mutex_lock(&seen_mu);
		discovered++;
		pthread_mutex_unlock(&seen_mu);
	}
}

static int count(int *v)
{
	int n;

	pthread_mutex_lock(&seen_mu);
	n = *v;
	pthread_mutex_unlock(&seen_mu);
	return n;
}

static void setup(void)
{
	char path[400];
	FILE *f;
	struct ztp_err e;
	int i;

	if (!mkdtemp(dir))
		exit(1);
	snprintf(sdir, sizeof sdir, "%s/spool", dir);
	snprintf(ldir, sizeof ldir, "%s/leases", dir);
	snprintf(path, sizeof path, "%s/ztp.yml", dir);
	f = fopen(path, "w");
	fprintf(f, "spool: %s\n"
		"dhcp:\n"
		"  lease_dir: %s\n"
		"  subnets:\n"
		"    lab: {subnet: 10.99.0.0/24, range: 10.99.0.10-10.99.0.50, interface: br0}\n"
		"racks:\n"
		"  r1: {subnet: lab, ports: {'Gi1/0/7': ge-0/0/7}, console: {ge-0/0/7: 'cs2:7'}}\n"
		"  r2: {relay: [10.98.0.1]}\n", sdir, ldir);
	fclose(f);
	if (ztp_conf_load(&conf, path, &e) < 0 || ztp_dhcpconf_load(&cf, conf, &e) < 0) {
		printf("Bail out! %s\n", e.msg);
		exit(1);
	}
	for (i = 0; i < 8; i++) {
		keys[i][0] = 1;
		keys[i][1] = 0x0c;
		keys[i][6] = (uint8_t)(i + 1);
		C[i].key = keys[i];
		C[i].keylen = 7;
		C[i].htype = 1;
		C[i].hlen = 6;
		C[i].hw = keys[i] + 1;
	}
}

static struct ztp_dhcprec *start(struct ztp_spool *sp, size_t qmax)
{
	struct ztp_dhcprec_opts o;
	struct ztp_dhcprec *r = NULL;
	struct ztp_err e;

	memset(&o, 0, sizeof o);
	o.spool = sp;
	o.queue_max = qmax;
	o.retry_min = 0.05;
	o.retry_max = 0.2;
	o.log = rlog;
	if (ztp_dhcprec_open(&r, &o, &e) < 0) {
		printf("Bail out! %s\n", e.msg);
		exit(1);
	}
	return r;
}

/* the record of client i in the spool, or NULL */
static struct ztp_val *spooled(struct ztp_spool *sp, int i)
{
	struct ztp_spool_ent ent;
	struct ztp_val *rec = NULL;
	char id[64];

	ztp_id_from_mac(C[i].hw, id);
	if (ztp_spool_locate(sp, id, &ent, NULL) < 0 || ztp_spool_read(sp, &ent, &rec, NULL) < 0)
		return NULL;
	return rec;
}

static int in_spool(struct ztp_spool *sp, int i)
{
	struct ztp_val *rec = spooled(sp, i);

	ztp_val_unref(rec);
	return rec != NULL;
}

/* the detail of the record's first history entry */
static const char *detail(const struct ztp_val *rec, char *buf, size_t n)
{
	const struct ztp_val *h = rec ? ztp_map_get(rec, "history") : NULL;
	const char *d;

	buf[0] = '\0';
	if (h && h->type == ZTP_V_LIST && h->u.list.n &&
	    (d = ztp_map_str(h->u.list.v[0], "detail")))
		snprintf(buf, n, "%s", d);
	return buf;
}

static void builder(void)
{
	struct ztp_dhcprec_src src;
	struct ztp_lease l;
	struct ztp_val *rec;
	struct ztp_err e;

	rec = ztp_rec_new_mac(C[0].hw);
	ztp_map_set_str(rec, "ip", "10.99.0.10");
	memset(&src, 0, sizeof src);
	src.ip = IP(10, 99, 0, 10);
	src.circuit = "Gi1/0/7";
	src.cls = "pnp";
	src.seen = 1700000000;
	src.detail = "first lease";
	is_int(ztp_dhcprec_build(rec, cf, &src, &e), 0, "build: a direct client");
	is_str(ztp_map_str(rec, "subnet"), "lab", "build: subnet found by the address");
	is_str(ztp_map_str(rec, "rack"), "r1", "build: rack by the subnet");
	is_str(ztp_map_str(rec, "port"), "ge-0/0/7", "build: port through the rack's names");
	is_str(ztp_map_str(rec, "console"), "cs2:7", "build: console line of the port");
	is_str(ztp_map_str(rec, "class"), "pnp", "build: class");
	is_str(ztp_map_str(rec, "seen"), "2023-11-14T22:13:20Z", "build: seen");
	ztp_val_unref(rec);

	rec = ztp_rec_new_mac(C[1].hw);
	memset(&src, 0, sizeof src);
	src.ip = IP(10, 97, 0, 5);
	src.giaddr = IP(10, 98, 0, 1);
	src.circuit = "eth7";
	src.detail = "first lease (dnsmasq)";
	is_int(ztp_dhcprec_build(rec, cf, &src, &e), 0, "build: a relayed client");
	is_str(ztp_map_str(rec, "rack"), "r2", "build: rack by the relay");
	is_str(ztp_map_str(rec, "port"), "eth7", "build: an unmapped circuit id is the port");
	ok(!ztp_map_get(rec, "subnet"), "build: no subnet holds the address: none");
	ztp_val_unref(rec);

	{
		struct ztp_dhcprec_ext x;

		memset(&x, 0, sizeof x);
		x.mac = "0c:00:00:00:00:09";
		x.ip = "10.99.0.12";
		x.vendor_class = "Arista\x01";
		x.relay = "10.98.0.1";
		x.circuit = "47:69:31:2f:30:2f:37";	/* dnsmasq's "Gi1/0/7" */
		rec = ztp_dhcprec_from_ext(cf, &x, 1700000000, "first lease (dnsmasq)", &e);
		ok(rec != NULL, "another server's lease");
		is_str(ztp_map_str(rec, "id"), "0c-00-00-00-00-09", "another server's lease: id");
		is_str(ztp_map_str(rec, "rack"), "r2", "another server's lease: rack by the relay");
		is_str(ztp_map_str(rec, "port"), "Gi1/0/7",
		       "another server's lease: dnsmasq's hex circuit id decoded");
		ok(ztp_map_str(rec, "vendor_class") &&
		   !strchr(ztp_map_str(rec, "vendor_class"), 1),
		   "another server's lease: text escaped");
		ztp_val_unref(rec);
		x.mac = "not-a-mac";
		ok(ztp_dhcprec_from_ext(cf, &x, 0, "x", &e) == NULL,
		   "another server's lease: not an Ethernet client: none");
	}

	memset(&l, 0, sizeof l);
	l.ip = IP(10, 99, 0, 11);
	l.htype = 1;
	l.hlen = 6;
	memcpy(l.hw, C[2].hw, 6);
	l.start = 1700000000;
	rec = ztp_dhcprec_from_lease(cf, &l, "from the lease", &e);
	ok(rec != NULL, "from a lease");
	is_str(ztp_map_str(rec, "ip"), "10.99.0.11", "from a lease: ip");
	is_str(ztp_map_str(rec, "rack"), "r1", "from a lease: rack by subnet");
	ok(ztp_rec_id(rec) && strcmp(ztp_rec_id(rec), "0c-00-00-00-00-03") == 0,
	   "from a lease: id from the MAC");
	ztp_val_unref(rec);
}

static void bind(struct ztp_lease_db *db, int i, time_t now)
{
	struct ztp_err e;

	if (ztp_lease_bind(db, &C[i], IP(10, 99, 0, 10 + i), now, now + 3600, &e) < 0)
		printf("# bind: %s\n", e.msg);
}

/* a record handed over normally, with its lease */
static int handed(struct ztp_dhcprec *r, int i, time_t now)
{
	struct ztp_lease l;
	struct ztp_val *rec;
	struct ztp_err e;
	int rc;

	memset(&l, 0, sizeof l);
	l.ip = IP(10, 99, 0, 10 + i);
	l.htype = 1;
	l.hlen = 6;
	memcpy(l.hw, C[i].hw, 6);
	l.start = now;
	rec = ztp_dhcprec_from_lease(cf, &l, "first lease", &e);
	rc = ztp_dhcprec_add(r, rec, l.ip);
	ztp_val_unref(rec);
	return rc;
}

static void crash(void)
{
	struct ztp_lease_db *db;
	struct ztp_spool *sp;
	struct ztp_dhcprec *r;
	struct ztp_val *rec;
	struct ztp_err e;
	char id[64], path[600], d[200];
	time_t now = time(NULL);

	is_int(ztp_spool_open(&sp, sdir, 1, &e), 0, "spool");
	is_int(ztp_lease_open(&db, ldir, &e), 0, "lease database");
	ztp_dhcpconf_setup_db(cf, db, &e);
	/* before the crash: 0 got its record; 1 and 2 only their leases; 3
	 * was put half-way (registered, in no stage); 4 released */
	bind(db, 0, now);
	bind(db, 1, now);
	bind(db, 2, now);
	bind(db, 3, now);
	bind(db, 4, now);
	ztp_lease_release(db, &C[4], IP(10, 99, 0, 14), now, &e);
	is_int(ztp_lease_sync(db, &e), 0, "leases durable");
	r = start(sp, 16);
	handed(r, 0, now);
	handed(r, 3, now);
	is_int((int)ztp_dhcprec_close(r, 3), 0, "the records handed over are written at close");
	ztp_id_from_mac(C[3].hw, id);
	snprintf(path, sizeof path, "%s/discovered/%s.yml", sdir, id);
	is_int(unlink(path), 0, "a put killed before its rename (its id registered)");
	ztp_lease_close(db);

	/* the restart */
	is_int(ztp_lease_open(&db, ldir, &e), 0, "lease database after the crash");
	ztp_dhcpconf_setup_db(cf, db, &e);
	r = start(sp, 16);
	is_int(ztp_dhcprec_rederive(r, db, cf, now, &e), 3,
	       "rederive: the leases without a record (1, 2, and 3 put half-way)");
	is_int((int)ztp_dhcprec_close(r, 3), 0, "rederived records written");
	ok(in_spool(sp, 0), "0: its record");
	ok(in_spool(sp, 1), "1: a record made from the lease");
	ok(in_spool(sp, 2), "2: a record made from the lease");
	ok(in_spool(sp, 3), "3: the half-way put is put again");
	ok(!in_spool(sp, 4), "4: a released lease gets no record");
	rec = spooled(sp, 0);
	is_str(detail(rec, d, sizeof d), "first lease", "0: its record is the one handed over");
	ztp_val_unref(rec);
	rec = spooled(sp, 1);
	like(detail(rec, d, sizeof d), "server stopped before writing it",
	     "1: the record says it was made at start");
	is_str(ztp_map_str(rec, "rack"), "r1", "1: rack from the lease's subnet");
	ztp_val_unref(rec);

	r = start(sp, 16);
	is_int(ztp_dhcprec_rederive(r, db, cf, now, &e), 0, "a second start: nothing to make");
	ztp_dhcprec_close(r, 3);
	ztp_lease_close(db);
	ztp_spool_close(sp);
}

/* a spool that refuses puts: the record is kept and tried again */
static void refusal(void)
{
	struct ztp_spool *sp;
	struct ztp_dhcprec *r;
	struct ztp_err e;
	char stage[400], away[400];
	int i;

	ztp_spool_open(&sp, sdir, 1, &e);
	snprintf(stage, sizeof stage, "%s/discovered", sdir);
	snprintf(away, sizeof away, "%s/discovered.away", sdir);
	is_int(rename(stage, away), 0, "the stage is gone: every put fails");
	r = start(sp, 16);
	handed(r, 5, time(NULL));
	for (i = 0; i < 500 && count(&refused) == 0; i++)
		usleep(10000);
	ok(count(&refused) > 0, "the refusal is reported");
	usleep(300000);		/* a few tries more */
	ok(!in_spool(sp, 5), "refused: not in the spool");
	is_int(rename(away, stage), 0, "the stage is back");
	ztp_dhcprec_retry_now(r);
	for (i = 0; i < 500 && !in_spool(sp, 5); i++)
		usleep(10000);
	ok(in_spool(sp, 5), "the refused record is written once the spool takes it");
	is_int((int)ztp_dhcprec_close(r, 3), 0, "nothing left at close");
	ztp_spool_close(sp);
}

/* a full queue: the overflow is owed and made from the leases */
static void overflow(void)
{
	struct ztp_lease_db *db;
	struct ztp_spool *sp;
	struct ztp_dhcprec *r;
	struct ztp_err e;
	time_t now = time(NULL);
	int i, g0;

	ztp_spool_open(&sp, sdir, 1, &e);
	ztp_lease_open(&db, ldir, &e);
	ztp_dhcpconf_setup_db(cf, db, &e);
	bind(db, 6, now);
	bind(db, 7, now);
	ztp_lease_sync(db, &e);
	r = start(sp, 2);
	g0 = count(&atgate);
	pthread_mutex_lock(&gate);	/* the writer stops at its next report */
	handed(r, 6, now);
	for (i = 0; i < 1000 && count(&atgate) == g0; i++)
		usleep(10000);
	ok(count(&atgate) > g0, "the writer is held");
	/* two records known already fill the queue; the third is owed */
	is_int(handed(r, 1, now) + handed(r, 2, now) + handed(r, 7, now), 1,
	       "a queue of two takes two: the third is owed");
	ok(ztp_dhcprec_owed(r) == 1, "one owed");
	pthread_mutex_unlock(&gate);
	for (i = 0; i < 500 && ztp_dhcprec_owed(r); i++) {
		ztp_dhcprec_drain(r, db, cf, now);
		usleep(10000);
	}
	is_int((int)ztp_dhcprec_owed(r), 0, "the owed record is made when the queue drains");
	ztp_dhcprec_close(r, 3);
	ok(in_spool(sp, 7), "the owed record, made from its lease, is in the spool");
	ztp_lease_close(db);
	ztp_spool_close(sp);
}

int main(void)
{
	setup();
	builder();
	crash();
	refusal();
	overflow();
	ztp_dhcpconf_free(cf);
	ztp_conf_free(conf);
	return done_testing();
}
