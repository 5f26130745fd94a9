/* dl-curl.c: the libcurl functions ztp uses, as stubs calling the library
 * loaded by ztp_dl_curl() (see dl.h).  <curl/curl.h> checks that every
 * stub has the library's own prototype.  The two variadic functions are
 * written out below the table: their third argument is forwarded with
 * the type its option's number range gives it. */
#include "config.h"

#include <stdarg.h>

/* the stubs are the functions themselves, not curl's type-checking macros */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "dl.h"
#include "dl-int.h"

#ifndef ZTP_LIBCURL_SONAME
#define ZTP_LIBCURL_SONAME "libcurl.so.4"
#endif

/* VA: variadic, in the table for dlsym only (written out below) */
#define CURL_FUNCS(F, V, VA) \
	V(curl_easy_cleanup, (CURL *curl), (curl)) \
	F(char *, curl_easy_escape, (CURL *handle, const char *string, int length), \
	  (handle, string, length)) \
	VA(CURLcode, curl_easy_getinfo, (CURL *curl, CURLINFO info, ...), ()) \
	F(CURL *, curl_easy_init, (void), ()) \
	F(CURLcode, curl_easy_perform, (CURL *curl), (curl)) \
	VA(CURLcode, curl_easy_setopt, (CURL *curl, CURLoption option, ...), ()) \
	F(const char *, curl_easy_strerror, (CURLcode code), (code)) \
	V(curl_free, (void *p), (p)) \
	F(CURLcode, curl_global_init, (long flags), (flags)) \
	F(CURLMcode, curl_multi_add_handle, (CURLM *multi_handle, CURL *curl_handle), \
	  (multi_handle, curl_handle)) \
	F(CURLMcode, curl_multi_cleanup, (CURLM *multi_handle), (multi_handle)) \
	F(CURLMcode, curl_multi_fdset, (CURLM *multi_handle, fd_set *read_fd_set, \
	  fd_set *write_fd_set, fd_set *exc_fd_set, int *max_fd), \
	  (multi_handle, read_fd_set, write_fd_set, exc_fd_set, max_fd)) \
	F(CURLMsg *, curl_multi_info_read, (CURLM *multi_handle, int *msgs_in_queue), \
	  (multi_handle, msgs_in_queue)) \
	F(CURLM *, curl_multi_init, (void), ()) \
	F(CURLMcode, curl_multi_perform, (CURLM *multi_handle, int *running_handles), \
	  (multi_handle, running_handles)) \
	F(CURLMcode, curl_multi_remove_handle, (CURLM *multi_handle, CURL *curl_handle), \
	  (multi_handle, curl_handle)) \
	F(CURLMcode, curl_multi_timeout, (CURLM *multi_handle, long *milliseconds), \
	  (multi_handle, milliseconds)) \
	F(struct curl_slist *, curl_slist_append, (struct curl_slist *list, const char *string), \
	  (list, string)) \
	V(curl_slist_free_all, (struct curl_slist *list), (list))

enum { CURL_FUNCS(ZTP_DL_ENUM_F, ZTP_DL_ENUM_V, ZTP_DL_ENUM_F) DLI_N };

static const char *const dl_names[] = { CURL_FUNCS(ZTP_DL_NAME_F, ZTP_DL_NAME_V, ZTP_DL_NAME_F) };
static void *dl_fn[DLI_N];
static struct ztp_dl_lib dl_lib = ZTP_DL_LIB("libcurl", "ZTP_LIBCURL", ZTP_LIBCURL_SONAME,
					     dl_names, dl_fn);

int ztp_dl_curl(struct ztp_err *e)
{
	return ztp_dl_load(&dl_lib, e);
}

CURL_FUNCS(ZTP_DL_STUB_F, ZTP_DL_STUB_V, ZTP_DL_NONE_F)

/* the option number tells the type of the value (curl.h: CURLOPTTYPE_*) */
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	CURLcode (*f)(CURL *, CURLoption, ...);
	void *p = ztp_dl_fn(&dl_lib, DLI_curl_easy_setopt);
	va_list ap;
	CURLcode rc;

	memcpy(&f, &p, sizeof f);
	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT)		/* LONG, VALUES */
		rc = f(curl, option, va_arg(ap, long));
	else if (option < CURLOPTTYPE_FUNCTIONPOINT)	/* OBJECTPOINT, STRINGPOINT, SLISTPOINT, CBPOINT */
		rc = f(curl, option, va_arg(ap, void *));
	else if (option < CURLOPTTYPE_OFF_T)		/* FUNCTIONPOINT */
		rc = f(curl, option, va_arg(ap, void (*)(void)));
	else if (option < CURLOPTTYPE_BLOB)		/* OFF_T */
		rc = f(curl, option, va_arg(ap, curl_off_t));
	else if (option < CURLOPTTYPE_BLOB + 10000)	/* BLOB: struct curl_blob * */
		rc = f(curl, option, va_arg(ap, void *));
	else
		rc = CURLE_UNKNOWN_OPTION;
	va_end(ap);
	return rc;
}

/* every CURLINFO_* is given a pointer to fill */
CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	CURLcode (*f)(CURL *, CURLINFO, ...);
	void *p = ztp_dl_fn(&dl_lib, DLI_curl_easy_getinfo);
	va_list ap;
	CURLcode rc;

	memcpy(&f, &p, sizeof f);
	va_start(ap, info);
	rc = f(curl, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}
