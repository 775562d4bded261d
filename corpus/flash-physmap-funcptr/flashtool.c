/* Models a flashrom-style flash tool: physmap(descr, phys, len) over a global /dev/mem fd,
 * reached both directly (constant BIOS window: call-site finding in board_enable.c) and through
 * a programmer's function pointer with a size probed at run time (no call-site finding).
 * Checks: DM001 once in physmap.c, the wrapper's DM002 class=unknown, one call-site DM002. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "programmer.h"

int main(int argc, char **argv)
{
	const struct programmer *prog = &internal_programmer;
	size_t chip_size;
	unsigned char *flash;

	chip_size = (argc > 1) ? strtoul(argv[1], NULL, 0) : 0;
	if (chip_size == 0 || chip_size > (16u << 20)) {
		fprintf(stderr, "usage: %s CHIP_SIZE_BYTES\n", argv[0]);
		return 2;
	}
	if (prog->init() != 0)
		return 1;
	printf("legacy DMI anchor: %s\n", board_has_legacy_dmi() ? "yes" : "no");
	flash = prog->map_flash_region("flash chip", (uintptr_t)(0x100000000ULL - chip_size), chip_size);
	if (flash == NULL)
		return 1;
	printf("first byte of flash: %02x\n", flash[0]);
	prog->unmap_flash_region(flash, chip_size);
	return 0;
}
