/* spool.h: the spool, a queue made of directories (DESIGN.md "The spool").
 *
 *   $SPOOL/tmp/              records being written (never read by others)
 *   $SPOOL/<stage>/ID.yml    records waiting in a stage
 *   $SPOOL/<stage>/.work/    records claimed by a worker (flock held)
 *   $SPOOL/ids/ID            one empty file per record ever put: makes ids unique
 *                            (hard links to ids/.anchor: no inode per id)
 *   $SPOOL/bad/              records that failed to parse, moved aside with a .err
 *   $SPOOL/log/ $SPOOL/lock/ transcripts, console line locks
 *
 * Invariants: a record is in exactly one place at every instant (every move
 * is one rename); it is never half-written (tmp, fsync, rename, fsync of the
 * directory); two workers never hold one record (claim = open, flock,
 * check, rename into .work; every later move is made by the lock holder);
 * a claim whose worker died (its flock is gone) is put back by
 * ztp_spool_recover(), which ztp_spool_claim() runs by itself.
 *
 * A claim can outlive its process as a lease (ztp_claim_lease): for shell
 * pipelines where `ztp-spool take` claims and `ztp-spool commit`, a later
 * process, finishes, presenting the claim token the take gave it.  A lease
 * holds until it expires or, on this host, until the process group that
 * took it is gone (or its number names another group); another host's
 * lease holds until it expires.  Every claim has .work/ID.lease beside it
 * saying who holds it (host, pid, since; expiry 0 for a worker's).
 *
 * On a network filesystem (CephFS, NFS 4.1+) the spool is shared by hosts;
 * ztp_spool_open refuses filesystems that cannot be shared safely, and a
 * host that the filesystem fences gets ZTP_ERR_FENCED (ztp_spool_fenced). */
#ifndef ZTP_SPOOL_H
#define ZTP_SPOOL_H

#include <time.h>

#include "err.h"
#include "val.h"

extern const char *const ztp_spool_stages[];	/* NULL-terminated */
int ztp_spool_stage_valid(const char *stage);

struct ztp_spool;
struct ztp_claim;

/* Open the spool at dir.  flags: ZTP_SPOOL_CREATE makes the directories
 * (mode 0750); ZTP_SPOOL_SHARED (ztp-spool init --shared, spool_shared in
 * ztp.yml) refuses first, before anything is made, a dir on the root
 * filesystem or on a local one: the shared filesystem is not mounted
 * there. */
#define ZTP_SPOOL_CREATE 1
#define ZTP_SPOOL_SHARED 2
int ztp_spool_open(struct ztp_spool **sp, const char *dir, int flags,
		   struct ztp_err *e);
void ztp_spool_close(struct ztp_spool *sp);
/* What ztp_spool_open makes of the filesystem under a spool (statfs
 * magic; fstype and the super options from /proc/self/mountinfo): LOCAL
 * (ext4, xfs, btrfs, tmpfs, overlay...), SHARED (CephFS kernel or
 * ceph-fuse, NFS 4.1/4.2: accepted once a lock taken by one process stops
 * another), LOCKTEST (another FUSE or an unknown one: accepted only if
 * its locks work), REFUSED (NFS before 4.1, SMB, 9p: why says why and
 * the fix).  name: what to call it in messages.  ztp_spool_open refuses
 * with ZTP_ERR_CONFIG; on a network filesystem init writes .shared (its
 * name), and a spool that has it and is found on a local filesystem is
 * refused (the shared filesystem is not mounted there). */
#define ZTP_SPOOL_FS_LOCAL 0
#define ZTP_SPOOL_FS_SHARED 1
#define ZTP_SPOOL_FS_LOCKTEST 2
#define ZTP_SPOOL_FS_REFUSED 3
int ztp_spool_fs_classify(unsigned long magic, const char *fstype, const char *opts,
			  char *name, size_t namesz, char *why, size_t whysz);
const char *ztp_spool_dir(const struct ztp_spool *sp);

/* A new record into stage.  ZTP_ERR_EXISTS when a record with that id was
 * ever put (see ztp_spool_remove). */
int ztp_spool_put(struct ztp_spool *sp, const char *stage,
		  const struct ztp_val *rec, struct ztp_err *e);

/* Put n new records into stage as one group commit: each record's file is
 * written and fsynced (as by ztp_spool_put), then all of them are renamed
 * into the stage, then the stage and the id registry are fsynced once for
 * the whole batch (instead of twice per record).  Batches larger than
 * ZTP_SPOOL_BATCH are committed in groups of that many.
 *
 * Each item gets its own result: rc 0 when its record is in the stage and
 * durable, else a ZTP_ERR_* with the reason in err (ZTP_ERR_EXISTS as for
 * ztp_spool_put).  A record that fails leaves nothing behind (no file in
 * the stage or in tmp/, its id not registered) and the batch goes on.
 * Returns the number of records put, or a negative ZTP_ERR_* when the
 * batch could not be committed (unknown stage, a directory fsync failed;
 * the items that were to be committed then carry that error too).
 *
 * After a crash during the call: a record found in the stage is complete;
 * one whose put did not reach its rename may leave its id registered and
 * in no stage (see ztp_spool_unregister), as with ztp_spool_put. */
#define ZTP_SPOOL_BATCH 64
struct ztp_spool_item {
	const struct ztp_val *rec;	/* in */
	int rc;				/* out: 0 or a ZTP_ERR_* */
	struct ztp_err err;		/* out: why, when rc < 0 */
};
int ztp_spool_put_many(struct ztp_spool *sp, const char *stage,
		       struct ztp_spool_item *items, size_t n,
		       struct ztp_err *e);

/* Claim the next record waiting in stage.  ZTP_ERR_NOTFOUND when none is
 * waiting.  A record that fails to parse is moved to bad/ and reported as
 * ZTP_ERR_PARSE (call again for the next one). */
int ztp_spool_claim(struct ztp_spool *sp, const char *stage,
		    struct ztp_claim **c, struct ztp_err *e);
/* Claim one record by id, wherever it waits.  adopt ZTP_ADOPT_DEAD takes
 * over a claim left by a dead worker or an expired lease (rm, retry);
 * ZTP_ADOPT_LEASE also a live lease (the commit or release of a `take`).
 * ZTP_ERR_BUSY when a live worker or, without ZTP_ADOPT_LEASE, a live
 * lease holds it; ZTP_ERR_NOTFOUND when there is no such record. */
#define ZTP_ADOPT_DEAD 1
#define ZTP_ADOPT_LEASE 2
int ztp_spool_claim_id(struct ztp_spool *sp, const char *id, int adopt,
		       struct ztp_claim **c, struct ztp_err *e);
/* Claim one record by id for the pipeline that took it with token (see
 * ztp_claim_lease): only while the lease that carries this token holds it
 * (waiting a moment while a recovery pass looks at it).  ZTP_ERR_BUSY
 * when another holder has it now (the lease ended and it was taken
 * again); ZTP_ERR_NOTFOUND when it is not claimed (the message says where
 * it is: an earlier commit may have gone through, or the claim was
 * recovered).  Never adopts what another holds. */
#define ZTP_SPOOL_TOKEN_MAX 64
int ztp_spool_claim_token(struct ztp_spool *sp, const char *id, const char *token,
			  struct ztp_claim **c, struct ztp_err *e);
/* A new claim token (32 hex digits) into buf; -1 when n is too small. */
int ztp_spool_token(char *buf, size_t n);

struct ztp_val *ztp_claim_record(const struct ztp_claim *c);	/* borrowed */
const char *ztp_claim_stage(const struct ztp_claim *c);
const char *ztp_claim_id(const struct ztp_claim *c);

/* Move the claimed record to stage (rec, when not NULL, replaces its
 * contents in the same step) and end the claim.  On failure the claim is
 * still held and still yours.  A change of stage is also written, after
 * the commit, as one JSON file events/STAMP.ID.STAGE.json ({event: stage,
 * event_id: STAMP, id, from, to, at, tool, record}; STAMP sorts in the
 * order the events were made) for `ztp-spool notify` to hand to the hooks
 * and the backend. */
int ztp_claim_commit(struct ztp_claim *c, const char *stage,
		     const struct ztp_val *rec, struct ztp_err *e);
/* Identity by serial: give the claimed record the id newid (its serial,
 * once known; DESIGN.md).  The new id is registered first, then the claimed
 * file is renamed inside .work under its lock (the record stays in one
 * place throughout), then the old id is released so that a later sighting
 * of the same MAC makes a new record.  The file's contents keep the old id
 * until the commit writes the new ones; a claim that finds a file whose id
 * is the old one and whose facts.serial is the file's name takes it as a
 * rekey that a crash interrupted.  ZTP_ERR_EXISTS when a record newid was
 * ever put: the same device seen before; the claim is unchanged. */
int ztp_claim_rekey(struct ztp_claim *c, const char *newid, struct ztp_err *e);
/* Remove the claimed record for good (and its id) and end the claim. */
int ztp_claim_remove(struct ztp_claim *c, struct ztp_err *e);
/* Give the record back to its stage (updated with rec when not NULL). */
int ztp_claim_release(struct ztp_claim *c, const struct ztp_val *rec,
		      struct ztp_err *e);
/* Keep the claim after this process ends, until secs from now or until
 * this process group is gone (on this host; a pipeline of another host
 * holds until the expiry); then end the claim object.  token (up to
 * ZTP_SPOOL_TOKEN_MAX characters, no spaces; NULL: none) names the
 * pipeline's claim for ztp_spool_claim_token. */
int ztp_claim_lease(struct ztp_claim *c, long secs, const char *token, struct ztp_err *e);
/* The descriptor that holds the claim's lock.  A process forked to work
 * on the claim keeps it open (and closes every other claim's): the lock,
 * hence the claim, then lasts while any process of the job lives, even
 * when the claiming process is gone. */
int ztp_claim_fd(const struct ztp_claim *c);
/* End the claim object without moving anything (the claim stays until
 * recovery; for crash tests and after failed commits). */
void ztp_claim_abandon(struct ztp_claim *c);

/* Fencing: when a rename, flock, fsync or open on the spool fails with
 * ESHUTDOWN, EIO, ENOTCONN or ESTALE (a network filesystem that evicted
 * this host, or lost it), the call returns ZTP_ERR_FENCED with "spool
 * unreachable (fenced): WHAT 'PATH': CAUSE", and every later call on sp
 * returns it too without touching the spool.  A commit that failed so may
 * have happened: never retry it blindly; a later process finds the record
 * where it is (ztp_spool_claim_token says).  1 when sp is fenced. */
int ztp_spool_fenced(const struct ztp_spool *sp);

/* Put back claims whose holder is gone and remove stale tmp files.  Counts
 * in *recovered and *swept (either may be NULL). */
int ztp_spool_recover(struct ztp_spool *sp, int *recovered, int *swept,
		      struct ztp_err *e);

/* Remove a record for good (claims it first). */
int ztp_spool_remove(struct ztp_spool *sp, const char *id, struct ztp_err *e);

struct ztp_spool_ent {
	char id[129];
	char stage[16];		/* a stage, or "bad" */
	int claimed;		/* in .work */
	int leased;		/* claimed with a lease */
	/* the claim's holder, when claimed and known (host[0] != 0) */
	char host[256];
	long pid;		/* the claiming process */
	time_t since;		/* claimed at (0: unknown) */
	time_t expires;		/* a lease's end (0: a worker's, held by its lock) */
	time_t mtime;
	char path[512];		/* relative to the spool */
};
/* Call fn for each record in stage (NULL: every stage, then bad/), in
 * id order within a stage.  Stops when fn returns non-zero. */
int ztp_spool_list(struct ztp_spool *sp, const char *stage,
		   int (*fn)(void *ctx, const struct ztp_spool_ent *ent),
		   void *ctx, struct ztp_err *e);
/* Where the record is: fills ent; ZTP_ERR_NOTFOUND. */
int ztp_spool_locate(struct ztp_spool *sp, const char *id,
		     struct ztp_spool_ent *ent, struct ztp_err *e);
/* 1 when a record with id was ever put (its id is registered), else 0. */
int ztp_spool_registered(struct ztp_spool *sp, const char *id);
/* Remove the registration of id when the record is in no stage: what a
 * put killed between registering and renaming leaves behind (or a record
 * file deleted by hand), so that it can be put again.  ZTP_ERR_EXISTS when
 * the record is in a stage.  Not for use while another process may be
 * putting the same id. */
int ztp_spool_unregister(struct ztp_spool *sp, const char *id,
			 struct ztp_err *e);
/* Read a record by its listing entry (no claim: a snapshot). */
int ztp_spool_read(struct ztp_spool *sp, const struct ztp_spool_ent *ent,
		   struct ztp_val **rec, struct ztp_err *e);

#endif
