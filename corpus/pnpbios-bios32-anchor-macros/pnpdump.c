/* Models a PnP BIOS / BIOS32 directory dumper (pnpdump-like) whose anchors are spelled through
 * macros and compared with strncmp. Checks: DM001, a bios-area map, and DM005 at each
 * comparison whose anchor comes from a macro. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PNP_SIGNATURE "$PnP"
#define BIOS32_SIGNATURE "_32_"
#define SCAN_BASE 0xF0000
#define SCAN_SIZE 0x10000

int main(void)
{
	const char *bios;
	unsigned int off;
	int fd;

	fd = open("/dev/mem", O_RDONLY); // CHECK: DM001
	if (fd < 0) {
		perror("pnpdump");
		return 1;
	}
	bios = mmap(NULL, SCAN_SIZE, PROT_READ, MAP_SHARED, fd, SCAN_BASE); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area servable=served category=physical-map
	close(fd);
	if (bios == MAP_FAILED)
		return 1;
	for (off = 0; off < SCAN_SIZE; off += 16) {
		const char *p = bios + off;
		if (strncmp(p, PNP_SIGNATURE, 4) == 0) // CHECK: DM005
			printf("PnP BIOS installation check at 0x%05x, version %d.%d\n", SCAN_BASE + off,
			       (p[4] >> 4) & 0xF, p[4] & 0xF);
		else if (strncmp(p, BIOS32_SIGNATURE, 4) == 0) // CHECK: DM005
			printf("BIOS32 service directory at 0x%05x\n", SCAN_BASE + off);
	}
	munmap((void *)bios, SCAN_SIZE);
	return 0;
}
