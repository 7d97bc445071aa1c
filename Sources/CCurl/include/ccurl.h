// Typed wrappers over libcurl's C-variadic calls, which Swift cannot call: curl_easy_setopt,
// curl_easy_getinfo and curl_multi_setopt. One function per argument type, nothing more.
#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>

/// The shape of libcurl's read, write and header callbacks.
typedef size_t (*ccurl_data_callback)(char *buffer, size_t size, size_t count, void *context);

CURLcode ccurl_easy_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode ccurl_easy_setopt_string(CURL *easy, CURLoption option, const char *value);
CURLcode ccurl_easy_setopt_pointer(CURL *easy, CURLoption option, void *value);
CURLcode ccurl_easy_setopt_offset(CURL *easy, CURLoption option, curl_off_t value);
CURLcode ccurl_easy_setopt_callback(CURL *easy, CURLoption option, ccurl_data_callback value);
CURLcode ccurl_easy_setopt_opensocket(CURL *easy, curl_opensocket_callback value);
CURLcode ccurl_easy_setopt_closesocket(CURL *easy, curl_closesocket_callback value);

CURLcode ccurl_easy_getinfo_long(CURL *easy, CURLINFO info, long *value);
CURLcode ccurl_easy_getinfo_string(CURL *easy, CURLINFO info, const char **value);
CURLcode ccurl_easy_getinfo_pointer(CURL *easy, CURLINFO info, void **value);
CURLcode ccurl_easy_getinfo_offset(CURL *easy, CURLINFO info, curl_off_t *value);

CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

#endif
