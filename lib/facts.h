/* facts.h: device facts from recorded CLI output.
 *
 * Parsers turn what a router printed for `show version`, `show inventory`,
 * `show module`, `show license udi`, `show diag details`, `admin show diag
 * chassis`, `show platform`, `show chassis hardware` (also its `detail`
 * and `extensive` forms), `display version`, `display device`, `display
 * elabel` or `display esn` into one normalised map (a ztp_val), the
 * `facts` of the device record:
 *
 *	{hostname, vendor, os, version, model, serial,
 *	 modules: [{slot, name, model, serial, descr, hw_rev}]}
 *
 * Every key is present; an unknown value is null.  Placeholders devices
 * print instead of a serial ("N/A", "BUILTIN", "") and masked serials
 * ("******", "XXXXXXXX") are null.  The chassis is only what the output
 * says is the chassis: an inventory without such an entry (filtered, of
 * one stack member, IOS-XR without its Rack) leaves model and serial
 * unknown and lists every entry as a module.  In a stack
 * the device is member 1: its model and serial are the device's, the other
 * members are modules.
 *
 * Several outputs of one device merge into one map: a fact already known is
 * kept (the first command wins, so parse `show version` first), except that
 * the entry an inventory names as the chassis sets model and serial (its PID
 * and the serial on its label beat the processor line and board id of
 * `show version`).  Modules are appended; a module whose serial is already
 * listed by an earlier output only fills the fields still unknown; within
 * one output modules stay distinct even when their serials are equal.  The
 * second node of a JunOS cluster is a module like a stack member; a Huawei
 * box whose elabel has no chassis label is its first main board. 
 *
 * Input is untrusted and may be a terminal capture: CRLF or bare CR line
 * ends, the command echoed on the first line (with or without the prompt),
 * a missing final newline, the whole block indented, NUL bytes.  Input size,
 * line count, value lengths and the number of modules are bounded.
 *
 * Platforms: cisco_ios cisco_iosxe cisco_xr cisco_nxos juniper_junos
 * arista_eos huawei_vrp. */
#ifndef ZTP_FACTS_H
#define ZTP_FACTS_H

#include <stddef.h>

#include "err.h"
#include "val.h"

#define ZTP_FACTS_MAX_INPUT ((size_t)8 << 20)	/* bytes of one output */
#define ZTP_FACTS_MAX_MODULES 4096

/* The platform names, NULL-terminated. */
extern const char *const ztp_facts_platforms[];

/* The i-th (from 0) of the canonical commands a platform's parsers read,
 * in the order a live probe runs them; NULL past the last one and for an
 * unknown platform.  *flags (when flags is not NULL) gets
 * ZTP_FACTS_REQUIRED for a command the device must answer with output
 * that parses (the first; the others a box may lack), ZTP_FACTS_FALLBACK
 * for one run only when the nearest command before it without that flag
 * failed (refused, or nothing in its output parsed) and no fallback of it
 * parsed yet: `show module` where `show inventory` fails. */
#define ZTP_FACTS_REQUIRED 1
#define ZTP_FACTS_FALLBACK 2
const char *ztp_facts_command(const char *platform, size_t i, int *flags);

/* 1 when platform is one of ztp_facts_platforms. */
int ztp_facts_platform_valid(const char *platform);
/* 0, or ZTP_ERR_USAGE "unknown platform 'x': did you mean 'y'?" */
int ztp_facts_platform_check(const char *platform, struct ztp_err *e);

/* The platform, from the output text (any command) and/or the SSH server
 * banner (the identification line, with any lines the server sent before
 * it); either may be NULL.  The text is more specific and wins; a banner
 * alone tells the vendor ("SSH-2.0-Cisco-1.25" gives cisco_ios).  NULL
 * when neither tells. */
const char *ztp_facts_detect_platform(const char *text, size_t len,
				      const char *banner);

/* The canonical command ("show version", "show inventory", "show module",
 * "show license udi", "show diag details", "show platform",
 * "show chassis hardware", "display version", "display device",
 * "display elabel", "display esn") that produced text, or NULL when it is
 * none of those the platform parses. */
const char *ztp_facts_detect_command(const char *platform, const char *text,
				     size_t len);

/* A new facts map with every key null and modules []. */
struct ztp_val *ztp_facts_new(void);

/* Parse text (len bytes) printed by command on platform and merge the facts
 * into the map facts (missing keys are added).  command may be NULL: it is
 * recognised from the text; abbreviations work ("sh ver", "disp elabel").
 * Returns 0, or ZTP_ERR_USAGE (unknown platform or command), ZTP_ERR_PARSE
 * (nothing recognisable in the text), ZTP_ERR_LIMIT (input too large). */
int ztp_facts_parse(const char *platform, const char *command,
		    const char *text, size_t len, struct ztp_val *facts,
		    struct ztp_err *e);

#endif
