/* A retrying read helper that never positions the descriptor it is given: where it reads is
 * wherever its caller last sought. */
#include <errno.h>
#include <unistd.h>

#include "io.h"

int read_fully(int fd, unsigned char *buf, size_t count)
{
	size_t done = 0;

	while (done < count) {
		ssize_t r = read(fd, buf + done, count - done); // CHECK: DM003 class=unknown
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}
