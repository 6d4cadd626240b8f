#ifndef SOAK_CCURL_SHIM_H
#define SOAK_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt/curl_easy_getinfo/curl_multi_setopt are variadic: Swift cannot call them,
// so each argument type gets a typed wrapper.
static inline CURLcode soak_curl_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode soak_curl_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode soak_curl_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode soak_curl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode soak_curl_easy_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*soak_curl_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode soak_curl_easy_setopt_write_function(CURL *h, CURLoption o, soak_curl_write_callback v) { return curl_easy_setopt(h, o, v); }
typedef int (*soak_curl_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode soak_curl_easy_setopt_xferinfo_function(CURL *h, CURLoption o, soak_curl_xferinfo_callback v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode soak_curl_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode soak_curl_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode soak_curl_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode soak_curl_easy_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode soak_curl_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode soak_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
// curl_easy_setopt with a struct curl_blob: in-memory PEM (kubeconfig *-data fields), copied by libcurl.
static inline CURLcode soak_curl_easy_setopt_blob(CURL *h, CURLoption o, const void *data, size_t len) {
    struct curl_blob blob = { (void *)data, len, CURL_BLOB_COPY };
    return curl_easy_setopt(h, o, &blob);
}
// CURLAUTH_BASIC is a macro with a cast, which Swift does not import.
static const long SOAK_CURLAUTH_BASIC = (long)CURLAUTH_BASIC;

#endif
