/* Models a firmware inventory tool whose memory descriptors live in an external global and in a
 * struct field, set by open helpers that return a status only, and used by readers in files that
 * name no device and call no helper that opens one.
 * Checks: DM001 at both opens; DM003 and DM002 in the readers, which only the global's and the
 * field's names tie to the device. */
#include <stdio.h>

#include "physdev.h"

int main(void)
{
	char date[8];

	if (phys_open() != 0 || vga_open(&g_vga) != 0) {
		perror("inventory");
		return 1;
	}
	if (bios_date(date))
		printf("BIOS date: %.8s\n", date);
	if (vga_window(&g_vga) == NULL) {
		perror("inventory: VGA window");
		return 1;
	}
	puts("VGA window mapped");
	return 0;
}
