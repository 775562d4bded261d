/* open_mem() hands out a descriptor for the memory device; open_config() only ever opens the
 * configuration file named by main.c, so it is not a finding. */
#include <fcntl.h>

#include "memdev.h"

int open_mem(void)
{
	return open(DEV, O_RDONLY); // CHECK: DM001
}

int open_config(const char *path)
{
	return open(path, O_RDONLY);
}
