/* Trap: a BIOS-image inspector that maps a regular file (an 1 MiB flash dump, or the kernel's
 * exported PCI ROM) at offsets that look physical (0xF0000, 0xC0000). Expected findings: none. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define DEFAULT_IMAGE "bios.bin"

int main(int argc, char **argv)
{
	const char *image = argc > 1 ? argv[1] : DEFAULT_IMAGE;
	const unsigned char *fseg, *vrom;
	int fd = open(image, O_RDONLY);
	int rfd;

	if (fd < 0) {
		perror(image);
		return 1;
	}
	fseg = mmap(NULL, 0x10000, PROT_READ, MAP_PRIVATE, fd, 0xF0000);
	if (fseg != MAP_FAILED) {
		printf("image date: %.8s\n", (const char *)fseg + 0xFFF5);
		munmap((void *)fseg, 0x10000);
	}
	close(fd);

	rfd = open("/sys/bus/pci/devices/0000:00:02.0/rom", O_RDONLY);
	if (rfd >= 0) {
		vrom = mmap(NULL, 0x10000, PROT_READ, MAP_PRIVATE, rfd, 0);
		if (vrom != MAP_FAILED) {
			printf("video ROM signature %02x%02x\n", vrom[0], vrom[1]);
			munmap((void *)vrom, 0x10000);
		}
		close(rfd);
	}
	return 0;
}
