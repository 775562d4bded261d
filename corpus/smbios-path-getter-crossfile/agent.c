/* Models an inventory agent whose device path comes from a getter in another file.
 * Checks: DM001 at the open fed by mem_device(), DM003 (lseek+read) with a bios-area range,
 * and that the open of the sysfs path returned by the sibling getter is not a finding. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "devpath.h"

static unsigned char bios[0x10000];

static int try_sysfs(void)
{
	unsigned char ep[32];
	int fd = open(entry_point_file(), O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, ep, sizeof(ep));
	close(fd);
	return n > 0 ? 0 : -1;
}

int main(void)
{
	int fd;
	unsigned int off;

	if (try_sysfs() == 0) {
		puts("entry point exported by the kernel");
		return 0;
	}

	fd = open(mem_device(), O_RDONLY); // CHECK: DM001
	if (fd < 0) {
		perror("open");
		return 1;
	}
	if (lseek(fd, 0xF0000, SEEK_SET) < 0) {
		close(fd);
		return 1;
	}
	if (read(fd, bios, 0x10000) != 0x10000) { // CHECK: DM003 range=0xf0000-0xfffff class=bios-area
		close(fd);
		return 1;
	}
	close(fd);

	for (off = 0; off < sizeof(bios) - 16; off += 16) {
		if (strncmp((const char *)bios + off, "_SM3_", 5) == 0) { // CHECK: DM005
			printf("SMBIOS 3 anchor at 0x%05x\n", 0xF0000 + off);
			return 0;
		}
	}
	return 1;
}
