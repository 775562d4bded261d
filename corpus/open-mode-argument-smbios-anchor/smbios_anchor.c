/* Models an SMBIOS locator that passes open(2) a mode out of habit, as if /dev/mem could be
 * created, and maps the F segment to find the entry point anchor.
 * Checks: DM001 at the three-argument open, DM002 (bios-area) and DM005 at each anchor compare. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define F_SEGMENT 0xF0000
#define F_SEGMENT_LEN 0x10000

int main(void)
{
	const unsigned char *bios;
	unsigned int off;
	int fd = open("/dev/mem", O_RDONLY | O_CLOEXEC, 0644); // CHECK: DM001

	if (fd < 0) {
		perror("/dev/mem");
		return 1;
	}
	bios = mmap(NULL, F_SEGMENT_LEN, PROT_READ, MAP_SHARED, fd, F_SEGMENT); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area
	close(fd);
	if (bios == MAP_FAILED)
		return 1;
	for (off = 0; off < F_SEGMENT_LEN; off += 16) {
		if (memcmp(bios + off, "_SM3_", 5) == 0) // CHECK: DM005
			printf("SMBIOS %u.%u entry point at 0x%05x\n", bios[off + 7], bios[off + 8],
			       F_SEGMENT + off);
		else if (memcmp(bios + off, "_SM_", 4) == 0) // CHECK: DM005
			printf("SMBIOS %u.%u entry point at 0x%05x\n", bios[off + 6], bios[off + 7],
			       F_SEGMENT + off);
	}
	munmap((void *)bios, F_SEGMENT_LEN);
	return 0;
}
