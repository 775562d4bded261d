/* Models a BMC/IPMI locator that gets its descriptor from a function in another file
 * (`int open_mem(void) { return open(DEV, O_RDONLY); }`) and maps through the returned fd.
 * Checks: DM001 inside open_mem only, DM002 at the caller's mmap via the return value. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memdev.h"

int main(void)
{
	int cfg, fd;
	const unsigned char *bios;
	size_t off;

	cfg = open_config("/etc/ipmi-locate.conf");
	if (cfg >= 0)
		close(cfg);
	fd = open_mem();
	if (fd < 0) {
		perror(DEV);
		return 1;
	}
	bios = mmap(NULL, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area
	close(fd);
	if (bios == MAP_FAILED)
		return 1;
	for (off = 0; off < 0x10000; off += 16)
		if (memcmp(bios + off, "_SM_", 4) == 0) // CHECK: DM005
			printf("SMBIOS anchor at 0x%zx\n", 0xF0000 + off);
	munmap((void *)bios, 0x10000);
	return 0;
}
