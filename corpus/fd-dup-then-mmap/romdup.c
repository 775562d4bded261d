/* Models a daemon that opens /dev/mem early, dup()s the descriptor into its long-lived state
 * and closes the original, then maps the video option ROM through the copy.
 * Checks: DM001 at open, DM002 through dup() (option-rom) and DM003 through dup2()'s result. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define MEMFD_SLOT 10

static int saved_fd = -1;

int main(void)
{
	int fd, slot;
	const unsigned char *rom;
	unsigned char hdr[0x1a];

	fd = open("/dev/mem", O_RDONLY); // CHECK: DM001
	if (fd < 0)
		return 1;
	saved_fd = dup(fd);
	close(fd);
	if (saved_fd < 0)
		return 1;
	rom = mmap(NULL, 0x8000, PROT_READ, MAP_SHARED, saved_fd, 0xC0000); // CHECK: DM002 range=0xc0000-0xc7fff class=option-rom
	if (rom != MAP_FAILED) {
		printf("option ROM size: %u bytes\n", rom[2] * 512u);
		munmap((void *)rom, 0x8000);
	}
	slot = dup2(saved_fd, MEMFD_SLOT);
	if (slot >= 0 && pread(slot, hdr, sizeof(hdr), 0xC0000) == (ssize_t)sizeof(hdr)) // CHECK: DM003 range=0xc0000-0xc0019 class=option-rom
		printf("PCI data offset: 0x%02x%02x\n", hdr[0x19], hdr[0x18]);
	close(saved_fd);
	return 0;
}
