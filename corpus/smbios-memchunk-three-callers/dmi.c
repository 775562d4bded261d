/* Models dmidecode's companion tools sharing one mem_chunk() in util.c: the main reader, a VPD
 * reader and an ownership-tag reader, each calling it from its own file with a constant range
 * and the option-overridable opt.devmem. Checks: DM001/DM002 once in the wrapper, and a call-site
 * DM002 in each caller file; the efi/systab-derived call has no call-site finding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

struct opt opt;

static int efi_smbios(unsigned long *addr)
{
	char line[80];
	FILE *f = fopen("/sys/firmware/efi/systab", "r"); // CHECK: DM006
	int rc = -1;

	if (f == NULL)
		return -1;
	while (rc != 0 && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "SMBIOS=", 7) == 0) {
			*addr = strtoul(line + 7, NULL, 0);
			rc = 0;
		}
	}
	fclose(f);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned char *buf;
	unsigned long addr;
	int c;

	opt.devmem = DEFAULT_MEM_DEV;
	while ((c = getopt(argc, argv, "d:q")) != -1) {
		if (c == 'd')
			opt.devmem = optarg;
		else if (c == 'q')
			opt.quiet = 1;
	}
	if (efi_smbios(&addr) == 0) {
		buf = mem_chunk((off_t)addr, 0x1F, opt.devmem);
		if (buf != NULL && memcmp(buf, "_SM_", 4) == 0) // CHECK: DM005
			printf("SMBIOS %u.%u\n", buf[6], buf[7]);
		free(buf);
	} else {
		buf = mem_chunk(0xF0000, 0x10000, opt.devmem); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area
		free(buf);
	}
	printf("VPD: %s, ownership tag: %s\n", vpd_scan() ? "yes" : "no", ownership_scan() ? "yes" : "no");
	return 0;
}
