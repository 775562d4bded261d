/* Owns the process-wide memory-device descriptor. */
#include <fcntl.h>
#include <unistd.h>

#include "memstate.h"

int g_memfd = -1;

int memstate_init(void)
{
	g_memfd = open("/dev/mem", O_RDONLY); // CHECK: DM001
	return g_memfd < 0 ? -1 : 0;
}

void memstate_fini(void)
{
	if (g_memfd >= 0)
		close(g_memfd);
	g_memfd = -1;
}
