/* tmpl.h: a Jinja2-compatible template renderer.
 *
 * Renders the subset of Jinja2 (3.1) that network configuration templates
 * use, byte for byte like the Python implementation: {{ }}, if/elif/else,
 * for (unpacking, else, loop filters, the loop object, break/continue),
 * set (also block set), namespace(), macros with call blocks, include,
 * import / from-import, filter blocks, do, with, whitespace control and the
 * trim_blocks / lstrip_blocks / keep_trailing_newline options, expressions
 * with Python semantics, the core filters and tests, and the Ansible ipaddr
 * family and Arista AVD filters.  man/ztp-templates.7 lists it exactly.
 *
 * Syntax this renderer does not implement (extends, block, raw, recursive
 * loops, ...) is an error when the template is parsed, never wrong output.
 * Templates are untrusted input: recursion depth, output size, range()
 * size and the total amount of work are bounded and exceeding a bound is an
 * error (ZTP_ERR_LIMIT), never a hang.
 *
 * Errors name the template, the line and the cause the way Jinja2 words it:
 *	"ios.j2:12: 'interfaces' is undefined" */
#ifndef ZTP_TMPL_H
#define ZTP_TMPL_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "val.h"

enum ztp_tmpl_undef {
	ZTP_TMPL_UNDEF_STRICT,		/* StrictUndefined: any use is an error */
	ZTP_TMPL_UNDEF_DEFAULT,		/* Undefined: prints as "", falsy */
	ZTP_TMPL_UNDEF_CHAINABLE,	/* ChainableUndefined: a.b.c of undefined is undefined */
};

struct ztp_tmpl_opts {
	int trim_blocks;
	int lstrip_blocks;
	int keep_trailing_newline;
	int undefined;			/* enum ztp_tmpl_undef */
	const char *const *paths;	/* loader directories, searched in order; NULL: "." */
	size_t npaths;
	size_t max_output;		/* bytes; 0: 16 MiB */
	size_t max_template;		/* bytes of one template file; 0: 4 MiB */
	long long max_steps;		/* evaluation steps in one render; 0: 10 million */
	long long max_range;		/* items of one range() or list; 0: 1 million */
	int max_depth;			/* macro/include nesting; 0: 100 */
};

struct ztp_tmpl_env;

/* A renderer with its options (copied) and a cache of parsed templates. */
struct ztp_tmpl_env *ztp_tmpl_env_new(const struct ztp_tmpl_opts *o);
void ztp_tmpl_env_free(struct ztp_tmpl_env *env);	/* NULL is fine */

/* Add a template from memory under name (include/import find it before
 * the loader paths).  The text is copied. */
void ztp_tmpl_env_add(struct ztp_tmpl_env *env, const char *name,
		      const char *text, size_t len);

/* Parse a template without rendering it: 0 or ZTP_ERR_PARSE (or
 * ZTP_ERR_NOTFOUND / ZTP_ERR_SYS when it cannot be read). */
int ztp_tmpl_check(struct ztp_tmpl_env *env, const char *name, struct ztp_err *e);

/* Render template name (looked up like Jinja2's FileSystemLoader: the
 * first loader path holding it; names are relative, "/"-separated, never
 * "..") with the variables of the map vars (NULL: none), appending the text
 * to out.  0 or a negative ZTP_ERR_* with the message in e: ZTP_ERR_PARSE
 * for syntax and render errors, ZTP_ERR_LIMIT for exceeded bounds,
 * ZTP_ERR_NOTFOUND for a missing template. */
int ztp_tmpl_render(struct ztp_tmpl_env *env, const char *name,
		    struct ztp_val *vars, struct ztp_buf *out, struct ztp_err *e);

/* What the engine knows, for its manual to be checked against: the i-th
 * name of a kind (filters with the Ansible and AVD ones, tests, methods of
 * strings, dicts and lists, statements, arithmetic and comparison
 * operators), NULL past the last. */
enum ztp_tmpl_kind {
	ZTP_TMPL_FILTER,
	ZTP_TMPL_TEST,
	ZTP_TMPL_STR_METHOD,
	ZTP_TMPL_DICT_METHOD,
	ZTP_TMPL_LIST_METHOD,
	ZTP_TMPL_STATEMENT,
	ZTP_TMPL_OPERATOR,
};
const char *ztp_tmpl_builtin(enum ztp_tmpl_kind kind, size_t i);

#endif
