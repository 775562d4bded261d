/* Models a multi-file system profiler whose memory descriptor is a global defined in one file
 * (memstate.c) and used through `extern` in another (scan.c).
 * Checks: DM001 at the open into the global, DM002/DM003 in scan.c through the global. */
#include <stdio.h>

#include "memstate.h"

int main(void)
{
	if (memstate_init() != 0) {
		fprintf(stderr, "profiler: firmware scan needs root\n");
		return 1;
	}
	printf("ACPI RSDP below F0000: %s\n", scan_acpi_window() ? "yes" : "no");
	printf("BIOS date stamp: %s\n", scan_bios() ? "yes" : "no");
	memstate_fini();
	return 0;
}
