/*
 * fdlimit.h: making room for many open files (RLIMIT_NOFILE).
 *
 * A process that holds a socket per relay needs more descriptors than the
 * usual soft limit of 1024.  The soft limit may be raised by anyone up to the
 * hard limit; only root can raise the hard one, so that is the user's to do
 * (ulimit -Hn, LimitNOFILE= in a systemd unit).
 */
#ifndef NP_FDLIMIT_H
#define NP_FDLIMIT_H

#include <stddef.h>

/*
 * fd_limit_ensure: raises the soft RLIMIT_NOFILE to `want` descriptors, or
 * to the hard limit when that is lower; never lowers it.  Returns 0 when the
 * soft limit is then at least `need` (need <= want), or -1 with the reason in
 * why (whylen bytes): the hard limit is below need, or setrlimit failed.
 */
int fd_limit_ensure(size_t need, size_t want, char *why, size_t whylen);

#endif
