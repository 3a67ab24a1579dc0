#include "base/fdlimit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

int
fd_limit_ensure(size_t need, size_t want, char *why, size_t whylen)
{
	struct rlimit rl;
	rlim_t target = (rlim_t)(want > need ? want : need);

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		snprintf(why, whylen, "getrlimit: %s", strerror(errno));
		return -1;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < target) {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < target)
			target = rl.rlim_max;
		if (target > rl.rlim_cur) {
			rl.rlim_cur = target;
			if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
				snprintf(why, whylen, "setrlimit: %s", strerror(errno));
				return -1;
			}
		}
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)need) {
		snprintf(why, whylen, "%zu open files needed, and the hard limit is %llu "
		    "(raise it with ulimit -Hn as root)", need, (unsigned long long)rl.rlim_max);
		return -1;
	}
	return 0;
}
