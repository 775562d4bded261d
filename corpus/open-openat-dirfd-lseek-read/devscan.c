/* Models a firmware collector that keeps a descriptor of /dev and opens the memory device with
 * openat through it (the path is absolute, so the kernel ignores the descriptor), then reads the
 * F segment with lseek and read. Checks: DM001 at openat with a dirfd that is not AT_FDCWD, no
 * finding at the open of /dev itself, DM003 (bios-area) and DM005. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static unsigned char bios[0x10000];

int main(void)
{
	int dev = open("/dev", O_RDONLY | O_DIRECTORY);
	int fd;
	unsigned int off;

	if (dev < 0) {
		perror("/dev");
		return 1;
	}
	fd = openat(dev, "/dev/mem", O_RDONLY); // CHECK: DM001
	close(dev);
	if (fd < 0) {
		perror("/dev/mem");
		return 1;
	}
	if (lseek(fd, 0xF0000, SEEK_SET) != 0xF0000 ||
	    read(fd, bios, sizeof(bios)) != (ssize_t)sizeof(bios)) { // CHECK: DM003 range=0xf0000-0xfffff class=bios-area
		close(fd);
		return 1;
	}
	close(fd);
	for (off = 0; off < sizeof(bios); off += 16) {
		if (memcmp(bios + off, "_SM3_", 5) == 0) // CHECK: DM005
			printf("SMBIOS 3 anchor at 0x%05x\n", 0xF0000 + off);
		else if (memcmp(bios + off, "_SM_", 4) == 0) // CHECK: DM005
			printf("SMBIOS 2 anchor at 0x%05x\n", 0xF0000 + off);
	}
	return 0;
}
