/* A second level of wrapping: its range still depends on its caller, so nothing is reported
 * here; the finding is at the caller that fixes the offset. */
#include "physmem.h"

void *video_bios(unsigned long offset)
{
	return map_physical(0xC0000 + offset, 0x8000);
}
