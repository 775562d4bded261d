/* Reads the BIOS date stamp through the global descriptor. */
#include <unistd.h>

#include "physdev.h"

int bios_date(char out[8])
{
	return pread(g_physfd, out, 8, 0xFFFF5) == 8; // CHECK: DM003 range=0xffff5-0xffffc class=bios-area
}
