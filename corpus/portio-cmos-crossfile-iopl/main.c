/* Models a multi-file CMOS checksum fixer: privilege is raised with iopl in main.c and the
 * port accessors live in cmos.c. Checks: DM004 at iopl and at each port call in cmos.c
 * (once per call site, not per caller). */
#include <stdio.h>
#include <string.h>
#include <sys/io.h>

#include "cmos.h"

int main(int argc, char **argv)
{
	unsigned int sum = 0, stored;
	unsigned char reg;

	if (iopl(3) != 0) { // CHECK: DM004
		perror("iopl");
		return 1;
	}
	for (reg = 0x10; reg <= 0x2D; reg++)
		sum += cmos_get(reg);
	stored = ((unsigned)cmos_get(0x2E) << 8) | cmos_get(0x2F);
	printf("checksum computed 0x%04x stored 0x%04x\n", sum, stored);
	if (sum != stored && argc > 1 && strcmp(argv[1], "--fix") == 0) {
		cmos_set(0x2E, (unsigned char)(sum >> 8));
		cmos_set(0x2F, (unsigned char)sum);
	}
	return 0;
}
