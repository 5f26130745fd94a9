/* ztp-probe: learn a device's facts (vendor, OS, version, model, serial,
 * modules) from its CLI output.
 *
 *   ztp-probe [-v] [-P platform|auto] -r [command=]file ... [-o json|yaml]
 *
 * This build has the offline mode: it parses recorded outputs.  The live
 * mode (SSH through a jump host: host operands, -c, -F, -J, -j) comes later;
 * its options are recognised and refused with a clear message.
 * See ztp-probe(1). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "facts.h"
#include "log.h"
#include "str.h"
#include "yml.h"

#define MAX_FILES 64

enum outfmt { OUT_YAML, OUT_JSON };

struct input {
	const char *cmd;	/* NULL: recognise it */
	char *cmdbuf;
	const char *path;
	struct ztp_buf text;
};

static void usage(void)
{
	fprintf(stderr,
	    "usage: ztp-probe [-v] [-o json|yaml] [-P platform|auto] -r [command=]file ...\n"
	    "       ztp-probe [-v] [-c ztp.yml] [-F ssh_config] [-J jump] [-j N] host ...  (not available yet)\n"
	    "platforms: auto");
	for (size_t i = 0; ztp_facts_platforms[i]; i++)
		fprintf(stderr, " %s", ztp_facts_platforms[i]);
	fprintf(stderr, "\n");
	exit(ZTP_EXIT_USAGE);
}

static int worse(int cur, int st)
{
	if (st == ZTP_EXIT_USAGE || (st && cur == 0) ||
	    (st == ZTP_EXIT_NEGATIVE && cur == ZTP_EXIT_TEMPFAIL))
		return st;
	return cur;
}

/* "show version=out.txt" or "out.txt"; a path holding '=' can be given as
 * "=path" */
static void split_spec(const char *spec, struct input *in)
{
	const char *eq = strchr(spec, '=');

	memset(in, 0, sizeof(*in));
	ztp_buf_init(&in->text, ZTP_FACTS_MAX_INPUT + 1);
	if (eq == NULL) {
		in->path = spec;
		return;
	}
	in->path = eq + 1;
	if (eq > spec) {
		in->cmdbuf = ztp_xstrndup(spec, (size_t)(eq - spec));
		in->cmd = in->cmdbuf;
	}
}

static int read_input(struct input *in, struct ztp_err *e)
{
	if (strcmp(in->path, "-") == 0)
		return ztp_buf_read_fd(&in->text, 0, ZTP_FACTS_MAX_INPUT, "standard input", e);
	return ztp_buf_read_file(&in->text, in->path, ZTP_FACTS_MAX_INPUT, e);
}

/* auto: what all outputs together tell (a `show version` names the OS, an
 * inventory alone often does not) */
static const char *detect(struct input *ins, size_t n)
{
	struct ztp_buf all = ZTP_BUF_INIT;
	const char *p = NULL;
	size_t i;

	ztp_buf_init(&all, (size_t)MAX_FILES * (ZTP_FACTS_MAX_INPUT + 1));
	for (i = 0; i < n; i++)
		if (ztp_buf_add(&all, ins[i].text.p ? ins[i].text.p : "", ins[i].text.len) < 0 ||
		    ztp_buf_addc(&all, '\n') < 0)
			break;
	if (all.p)
		p = ztp_facts_detect_platform(all.p, all.len, NULL);
	ztp_buf_free(&all);
	return p;
}

int main(int argc, char **argv)
{
	struct input ins[MAX_FILES];
	const char *platform = NULL, *live = NULL;
	struct ztp_val *rec = NULL, *facts;
	struct ztp_buf out = ZTP_BUF_INIT;
	enum outfmt fmt = OUT_YAML;
	struct ztp_err e;
	size_t nin = 0, i, parsed = 0;
	int c, verbose = 0, status = 0, usage_err = 0;

	ztp_log_open("ztp-probe", 0);
	while ((c = getopt(argc, argv, "c:F:hJ:j:o:P:r:v")) != -1) {
		switch (c) {
		case 'c': live = "-c"; break;
		case 'F': live = "-F"; break;
		case 'J': live = "-J"; break;
		case 'j': live = "-j"; break;
		case 'o':
			if (strcmp(optarg, "json") == 0)
				fmt = OUT_JSON;
			else if (strcmp(optarg, "yaml") == 0)
				fmt = OUT_YAML;
			else {
				ztp_log(ZTP_LOG_ERR, "unknown output format '%s': use json or yaml",
					ztp_esc(optarg));
				usage();
			}
			break;
		case 'P':
			platform = optarg;
			break;
		case 'r':
			if (nin == MAX_FILES)
				ztp_die(ZTP_EXIT_USAGE, "too many -r files: at most %d", MAX_FILES);
			split_spec(optarg, &ins[nin++]);
			break;
		case 'v': verbose++; break;
		default:
			usage();
		}
	}
	ztp_log_verbosity(verbose);
	argc -= optind;
	argv += optind;
	if (argc > 0 || live) {
		ztp_log(ZTP_LOG_ERR, "the live mode (%s) is not available yet: "
			"parse recorded outputs with -P platform -r [command=]file",
			argc > 0 ? "host operands" : live);
		return ZTP_EXIT_USAGE;
	}
	if (nin == 0) {
		ztp_log(ZTP_LOG_ERR, "nothing to parse: give recorded outputs with -r [command=]file");
		usage();
	}
	if (platform == NULL)
		platform = "auto";
	if (strcmp(platform, "auto") != 0 && !ztp_facts_platform_valid(platform)) {
		const char *dym = ztp_did_you_mean(platform, ztp_facts_platforms);

		ztp_log(ZTP_LOG_ERR, "unknown platform '%s'%s%s%s", ztp_esc(platform),
			dym ? ": did you mean '" : "", dym ? dym : "", dym ? "'?" : "");
		usage();
	}
	for (i = 0; i < nin; i++)
		if (read_input(&ins[i], &e) < 0) {
			int st = ztp_err_exit_status(e.code);

			/* a file that is not there will not be there on a retry */
			if (e.code == ZTP_ERR_SYS && (e.sys == ENOENT || e.sys == EACCES ||
			    e.sys == EISDIR || e.sys == ENOTDIR))
				st = ZTP_EXIT_USAGE;
			ztp_log(ZTP_LOG_ERR, "%s", e.msg);
			status = worse(status, st);
			ins[i].path = NULL;
		}
	for (i = 0; i < nin && ins[i].path == NULL; i++)
		;
	if (i == nin)
		goto out;	/* nothing could be read */
	if (strcmp(platform, "auto") == 0) {
		platform = detect(ins, nin);
		if (platform == NULL) {
			ztp_log(ZTP_LOG_ERR, "cannot tell the platform from the outputs: give it with -P");
			status = ZTP_EXIT_USAGE;
			goto out;
		}
		if (verbose)
			ztp_info("platform: %s", platform);
	}
	facts = ztp_facts_new();
	for (i = 0; i < nin; i++) {
		if (ins[i].path == NULL)
			continue;
		if (ztp_facts_parse(platform, ins[i].cmd, ins[i].text.p ? ins[i].text.p : "",
				    ins[i].text.len, facts, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "%s: %s", ztp_esc(ins[i].path), e.msg);
			status = worse(status, ztp_err_exit_status(e.code));
			if (e.code == ZTP_ERR_USAGE)
				usage_err = 1;
			continue;
		}
		parsed++;
	}
	if (parsed == 0) {
		ztp_val_unref(facts);
		status = worse(status, ZTP_EXIT_USAGE);
		goto out;
	}
	rec = ztp_val_map();
	ztp_map_set(rec, "facts", facts);
	if (fmt == OUT_JSON) {
		if (ztp_json_emit(&out, rec, 0) == 0)
			ztp_buf_addc(&out, '\n');
	} else if (ztp_yml_emit(&out, rec, 1, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot write the record: %s", e.msg);
		status = ZTP_EXIT_USAGE;
		goto out;
	}
	if (ztp_write_all(1, out.p, out.len) < 0) {
		ztp_log(ZTP_LOG_ERR, "cannot write the record: standard output: %s", strerror(errno));
		status = worse(status, ZTP_EXIT_TEMPFAIL);
	}
	/* some outputs parsed and others not: a partial answer */
	if (parsed > 0 && status == ZTP_EXIT_USAGE && !usage_err)
		status = ZTP_EXIT_NEGATIVE;
out:
	ztp_buf_free(&out);
	ztp_val_unref(rec);
	for (i = 0; i < nin; i++) {
		ztp_buf_free(&ins[i].text);
		free(ins[i].cmdbuf);
	}
	return status;
}
