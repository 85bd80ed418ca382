/*
 * nonls.c — preloaded after libasan by test/sanitize/run.sh: no message
 * translation.  With libasan preloaded, glibc's gettext lock (_nl_state_lock)
 * is left corrupt by the constructors of libgpg-error / gnutls (linked into
 * postgres through libldap), and postgres then hangs in its first
 * bindtextdomain (google/sanitizers#1270).  These stand-ins take no lock.
 */
char *bindtextdomain(const char *d, const char *dir) { (void) d; return (char *) dir; }
char *bind_textdomain_codeset(const char *d, const char *c) { (void) d; return (char *) c; }
char *textdomain(const char *d) { return (char *) (d ? d : "messages"); }
char *gettext(const char *m) { return (char *) m; }
char *dgettext(const char *d, const char *m) { (void) d; return (char *) m; }
char *dcgettext(const char *d, const char *m, int c) { (void) d; (void) c; return (char *) m; }
char *ngettext(const char *s, const char *p, unsigned long n) { return (char *) (n == 1 ? s : p); }
char *dngettext(const char *d, const char *s, const char *p, unsigned long n) { (void) d; return (char *) (n == 1 ? s : p); }
char *dcngettext(const char *d, const char *s, const char *p, unsigned long n, int c) { (void) d; (void) c; return (char *) (n == 1 ? s : p); }
