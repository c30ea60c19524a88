/**
 * What every HTTP request shares, pages and API alike: the security headers, the guard that keeps cross-site forms
 * away from the admin API, the session cookie's attributes, and who the client is (its address, believing a
 * forwarded-for header only from the configured trusted proxies).
 */
package dev.taskq.web;
