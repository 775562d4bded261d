/* Models a ROM comparison tool: a descriptor-taking read wrapper is called on the /dev/mem
 * descriptor (constant ranges: call-site findings in main.c and video.c) and on a descriptor for
 * a saved ROM image at the same physical-looking offset (a regular file: no finding).
 * Checks: wrapper's own DM003 class=unknown, call-site DM003s only where the fd is the device. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "phys.h"

static unsigned char live[0x40], saved[0x40];

int main(int argc, char **argv)
{
	int memfd, imgfd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s ROM_IMAGE\n", argv[0]);
		return 2;
	}
	memfd = open("/dev/mem", O_RDONLY); // CHECK: DM001
	imgfd = open(argv[1], O_RDONLY);
	if (memfd < 0 || imgfd < 0)
		return 1;
	if (phys_pread(memfd, live, sizeof(live), 0xC0000) != (ssize_t)sizeof(live)) // CHECK: DM003 range=0xc0000-0xc003f class=option-rom
		return 1;
	if (phys_pread(imgfd, saved, sizeof(saved), 0xC0000) != (ssize_t)sizeof(saved))
		return 1;
	printf("ROM header %s\n", memcmp(live, saved, sizeof(live)) == 0 ? "matches" : "differs");
	printf("text mode active: %s\n", probe_vga_text(memfd) ? "yes" : "no");
	close(imgfd);
	close(memfd);
	return 0;
}
